use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;

pub static RULE: Rule = Rule {
    id: "unsupported-cloud",
    name: "bundle for a cloud the product does not support",
    severity: Severity::Warning,
    explanation: "The profile lists the clouds the product supports (`clouds:`), and the bundle targets another. \
        The app can be registered anywhere, but the product itself may not reach that cloud's endpoints: Corso, \
        for one, hard-codes the public Microsoft Graph endpoint and cannot back up a GCC High, DoD or 21Vianet \
        tenant. Check with the vendor before using the bundle.",
    source: "alcionai/corso: src/pkg/services/m365/api/graph/auth.go, src/internal/m365/collection/drive/item.go",
    check: |ctx, out| {
        let (Some(clouds), Some(cloud)) = (&ctx.loaded.profile.clouds, &ctx.options.cloud) else { return };
        if !clouds.contains(cloud) {
            out.push(
                Diagnostic::warning(format!(
                    "{} supports only these clouds: {}; this bundle targets `{cloud}`",
                    ctx.loaded.profile.product,
                    clouds.join(", ")
                ))
                .at(ctx.locate("clouds"))
                .help("check with the vendor before using this bundle"),
            );
        }
    },
};
