//! `appinv-permission-request.xml`: the SharePoint add-in `AppPermissionRequests` document pasted
//! into appinv.aspx, written with quick-xml so every attribute is escaped by the XML writer.

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use crate::profile::AddIn;

/// The document, with `header` and, for a grant kept past its retirement, `retired` as comments.
pub fn render(add_in: &AddIn, header: &str, retired: Option<&str>) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // A comment may not contain `--`; the texts are ours, but keep the document valid regardless.
    let comment = format!(" {} ", header.replace("--", "- -"));
    let retired = retired.map(|r| format!(" Retired: {} ", r.replace("--", "- -")));
    let root_attrs = [("AllowAppOnlyPolicy", if add_in.allow_app_only_policy { "true" } else { "false" })];
    let written = (|| -> std::io::Result<()> {
        writer.write_event(Event::Comment(BytesText::from_escaped(comment.as_str())))?;
        if let Some(r) = &retired {
            writer.write_event(Event::Comment(BytesText::from_escaped(r.as_str())))?;
        }
        writer.write_event(Event::Start(BytesStart::new("AppPermissionRequests").with_attributes(root_attrs)))?;
        for r in &add_in.requests {
            let attrs = [("Scope", r.scope.as_str()), ("Right", r.right.as_str())];
            writer.write_event(Event::Empty(BytesStart::new("AppPermissionRequest").with_attributes(attrs)))?;
        }
        writer.write_event(Event::End(BytesEnd::new("AppPermissionRequests")))
    })();
    // Writing into a Vec cannot fail.
    debug_assert!(written.is_ok());
    let mut text = String::from_utf8(writer.into_inner()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::AddInRequest;

    #[test]
    fn writes_the_document_appinv_expects_and_escapes_attributes() {
        let add_in = AddIn {
            allow_app_only_policy: true,
            requests: vec![
                AddInRequest { scope: "http://sharepoint/content/tenant".into(), right: "FullControl".into() },
                AddInRequest { scope: "a\"<&>".into(), right: "Read".into() },
            ],
        };
        let xml = render(&add_in, "generated -- test", None);
        assert_eq!(
            xml,
            "<!-- generated - - test -->\n<AppPermissionRequests AllowAppOnlyPolicy=\"true\">\n  \
             <AppPermissionRequest Scope=\"http://sharepoint/content/tenant\" Right=\"FullControl\"/>\n  \
             <AppPermissionRequest Scope=\"a&quot;&lt;&amp;&gt;\" Right=\"Read\"/>\n</AppPermissionRequests>\n"
        );
        let retired = render(&add_in, "h", Some("on 2026-04-02, ACS ended -- gone"));
        assert!(
            retired
                .starts_with("<!-- h -->\n<!-- Retired: on 2026-04-02, ACS ended - - gone -->\n<AppPermissionRequests"),
            "{retired}"
        );
        // And it reads back to the same values.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut scopes = Vec::new();
        loop {
            match reader.read_event().expect("well-formed") {
                Event::Empty(e) => {
                    let a = e.try_get_attribute("Scope").expect("attr").expect("scope");
                    scopes.push(a.normalized_value(quick_xml::XmlVersion::Implicit1_0).expect("unescape").to_string());
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(scopes, vec!["http://sharepoint/content/tenant", "a\"<&>"]);
    }
}
