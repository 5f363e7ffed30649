//! The import's contract on small inputs, in memory: each row ends in exactly one state, the
//! row's API decides where a name resolves, and every choice is said.

use proptest::prelude::*;

use super::*;

fn statuses(text: &str) -> Vec<(usize, &'static str, String)> {
    import(text, &Catalog::builtin())
        .outcomes
        .iter()
        .map(|o| {
            let what = o
                .target
                .as_ref()
                .map(|t| format!("{}/{}/{}", t.resource.key, t.data.name, t.kind))
                .or_else(|| o.row.role.clone())
                .unwrap_or_default();
            (o.row.line, o.status.as_str(), what)
        })
        .collect()
}

#[test]
fn the_rows_api_decides_where_a_name_resolves() {
    let text = "| API | Permission | Type |\n|---|---|---|\n| Exchange | EWS.AccessAsUser.All | Delegated |\n\
        | Microsoft Graph | EWS.AccessAsUser.All | Delegated |\n| SharePoint | User.Read.All | Application |\n";
    assert_eq!(
        statuses(text),
        vec![
            (3, "corrected", "exchange-online/EWS.AccessAsUser.All/delegated".to_string()),
            (4, "resolved", "microsoft-graph/EWS.AccessAsUser.All/delegated".to_string()),
            (5, "corrected", "sharepoint-online/User.Read.All/application".to_string()),
        ]
    );
}

#[test]
fn a_name_on_several_apis_with_no_api_given_says_which_was_chosen_and_why() {
    let i = import("User.Read.All\nExchange.ManageAsApp\n", &Catalog::builtin());
    assert_eq!(
        i.outcomes[0].notes,
        vec![
            "no API given; also on Office 365 SharePoint Online (application, delegated), Office 365 Exchange Online \
             (application, delegated), Azure Active Directory Graph (delegated); chose Microsoft Graph because Microsoft \
             Graph is preferred",
            "no type given; `User.Read.All` is both application and delegated; chose application (the app runs unattended)",
        ]
    );
    assert_eq!(
        i.outcomes[1].notes,
        vec![
            "no API given; `Exchange.ManageAsApp` exists only on Office 365 Exchange Online",
            "no type given; `Exchange.ManageAsApp` exists only as application",
        ]
    );
}

#[test]
fn every_correction_reason_is_recorded_once_per_change() {
    let text = "| API | Permission | Type |\n|---|---|---|\n| Microsoft Graph | user.read.all | Application |\n\
        | Microsoft Graph | Mail.Send¹ | Application |\n| Microsoft Graph | User.Read | Application |\n\
        | SharePoint Online | Calendars.Read | Application |\n| Azure Active Directory Graph | Mail.Read | Application |\n";
    let i = import(text, &Catalog::builtin());
    let reasons: Vec<Vec<String>> = i
        .outcomes
        .iter()
        .map(|o| o.reasons.iter().map(|r| r.sentence(o.target.as_ref().expect("target"))).collect())
        .collect();
    assert_eq!(
        reasons,
        vec![
            vec!["Wrong case: permission names are case-sensitive; the page writes `user.read.all`.".to_string()],
            vec!["Glued marker: the page writes `Mail.Send¹`, with the footnote mark `¹` glued to the name.".to_string()],
            vec![
                "Wrong type: the page gives `User.Read` as application, but Microsoft Graph publishes it only as a \
                 delegated permission."
                    .to_string()
            ],
            vec![
                "Wrong API: Office 365 SharePoint Online has no permission `Calendars.Read`; it belongs to Microsoft Graph."
                    .to_string()
            ],
            vec![
                "Retired API: Azure Active Directory Graph (retired) has no permission `Mail.Read`; Microsoft Graph \
                 publishes it."
                    .to_string()
            ],
        ]
    );
    assert_eq!(profile::corrections(&i).len(), 5);
}

#[test]
fn a_permission_listed_twice_is_listed_once_and_the_repeat_is_said() {
    let i = import("Mail.Read Application\nMail.Read Application\n", &Catalog::builtin());
    assert_eq!(i.groups(), vec![("Microsoft Graph", vec!["Mail.Read"], vec![])]);
    assert!(
        i.outcomes[1].notes.contains(&"the same permission as line 1; listed once".to_string()),
        "{:?}",
        i.outcomes[1].notes
    );
}

#[test]
fn a_row_with_a_role_is_carried_into_notes_not_dropped() {
    let i = import(
        "| API | Permission name | Type |\n|---|---|---|\n| Administrative role | Global Reader | N/A |\n",
        &Catalog::builtin(),
    );
    assert_eq!(i.summary(), Summary { rows: 0, not_permissions: 1, ..Summary::default() });
    assert_eq!(
        profile::notes(&i),
        vec!["The page also lists the role Global Reader: a directory or admin role to assign, not an API permission."]
    );
}

#[test]
fn prose_is_not_a_row_but_names_it_mentions_are_reported() {
    let i =
        import("Open the portal and click Add.\nThen add \"full_access_as_app\" from Exchange.\n", &Catalog::builtin());
    assert!(i.outcomes.is_empty());
    assert_eq!(i.mentions, vec![Mention { line: 2, name: "full_access_as_app".into() }]);
    assert_eq!(i.prose_lines, vec![1, 2]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    // Whatever is pasted, the reader never panics and every row ends in exactly one state.
    #[test]
    fn any_text_ends_every_row_in_one_state(text in "([|\\t ]|Microsoft Graph|SharePoint|Mail\\.Read|User\\.Read\\.all|Delegated1|Application|API|Type|Permission name|<tr><td>|</td>|\\(x\\)|&amp;é|&ü;|Sites¹|✓|’|\\n){0,40}") {
        let i = import(&text, &Catalog::builtin());
        let s = i.summary();
        prop_assert_eq!(s.resolved + s.corrected + s.unresolved, s.rows);
        prop_assert_eq!(s.rows + s.not_permissions, i.outcomes.len());
        for o in &i.outcomes {
            prop_assert_eq!(o.target.is_some(), matches!(o.status, Status::Resolved | Status::Corrected));
            prop_assert_eq!(o.reasons.is_empty(), o.status != Status::Corrected);
        }
    }
}
