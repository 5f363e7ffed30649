//! Command-line arguments, as clap parses them. Turning them into values happens in the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::guid::Guid;
use crate::profile::CredentialKind;
use crate::tenant::TenantName;
use crate::values::{AppName, SecretYears};

#[derive(Debug, Parser)]
#[command(
    name = "m365-runbook",
    version = concat!(env!("CARGO_PKG_VERSION"), " (catalog ", env!("M365_RUNBOOK_CATALOG_DATE"), ")"),
    about = "Offline runbooks for registering the Entra ID apps that Microsoft 365 backup products need",
    long_about = "Turns a profile (what one vendor's product version asks for) and your tenant's values into a \
bundle of runbook artefacts: az CLI scripts in bash and PowerShell, SharePoint steps, the app manifest, env \
exports and a Markdown runbook. Works offline; never touches the tenant.",
    after_help = "Example:\n  m365-runbook render corso --tenant contoso"
)]
pub struct Cli {
    /// Also load every profile (*.yaml) in this folder; repeatable.
    #[arg(long = "profiles", value_name = "DIR", global = true)]
    pub profiles: Vec<PathBuf>,

    /// Use templates from this folder where it has a file of the same name (NAME.tera).
    #[arg(long = "templates", value_name = "DIR", global = true)]
    pub templates: Option<PathBuf>,

    /// The catalog overlay to use and to import into (default: catalog.json in the config folder).
    #[arg(long = "catalog", value_name = "FILE", global = true)]
    pub catalog: Option<PathBuf>,

    /// Print only errors (no summaries, no warnings).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: each file written, information-level findings.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the profiles available.
    #[command(after_help = "Example:\n  m365-runbook list --format json")]
    List(ListArgs),
    /// Show one profile: its source and every permission with its GUID.
    #[command(after_help = "Example:\n  m365-runbook show kodo-2021-08 --format json")]
    Show(ShowArgs),
    /// Render the runbook bundle of a profile for one tenant.
    #[command(after_help = "Example:\n  m365-runbook render corso --tenant contoso --out out/corso/contoso")]
    Render(Box<RenderArgs>),
    /// Check profiles for mistakes and for steps that no longer work (no argument: every built-in).
    #[command(after_help = "Examples:\n  m365-runbook lint\n  m365-runbook lint kodo --as-of 2026-01-01 --strict\n  \
m365-runbook lint --fix vendor-page.yaml > fixed.yaml")]
    Lint(LintArgs),
    /// Look up permissions offline; refresh the catalog from a tenant's service principals.
    #[command(
        subcommand,
        after_help = "Examples:\n  m365-runbook catalog search mail --type application\n  \
m365-runbook catalog show Mail.ReadWrite\n  m365-runbook catalog import graph-sp.json"
    )]
    Catalog(CatalogCommand),
    /// Write a commented starter profile, optionally from a permission list copied from a vendor page.
    #[command(
        after_help = "Examples:\n  m365-runbook init acme-backup-3\n  m365-runbook init acme-backup-3 --from permissions.txt\n  \
m365-runbook init acme-backup-3 --from saved-page.html --format json"
    )]
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = "Example:\n  m365-runbook completions bash > /etc/bash_completion.d/m365-runbook")]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  m365-runbook man > m365-runbook.1 && man ./m365-runbook.1")]
    Man,
    /// Show the built-in clouds and their endpoints.
    #[command(
        subcommand,
        after_help = "Examples:\n  m365-runbook cloud list\n  m365-runbook cloud show dod > my-cloud.yaml"
    )]
    Cloud(CloudCommand),
    /// Explain a lint rule: what it finds, why, what to do, and its source.
    #[command(after_help = "Example:\n  m365-runbook explain sharepoint-add-in")]
    Explain(ExplainArgs),
    /// Write documentation pages for profiles (default: all), with placeholders, plus an index.
    #[command(after_help = "Examples:\n  m365-runbook docs --out site/docs/m365 --flavor docusaurus corso\n  \
m365-runbook docs --out kodo-manual --flavor gitbook --as-of 2026-11-01 kodo-2020-03 kodo-2021-08")]
    Docs(DocsArgs),
    /// Compare two profiles: permissions, SharePoint grants and settings, lint findings (exit 1 if they differ).
    #[command(after_help = "Examples:\n  m365-runbook diff corso-2022-10 corso-2023-09\n  \
m365-runbook diff kodo-2020-03 kodo --format markdown > CHANGES.md")]
    Diff(DiffArgs),
    /// Check an existing app against a profile, offline, from the JSON a connected machine exported
    /// (exit 1 on findings).
    #[command(
        after_help = "Examples:\n  bash collect-state.sh   # on a connected machine, from the tenant's bundle: writes state/TENANT/\n  \
m365-runbook verify corso --state state/contoso\n  \
m365-runbook verify kodo --inventory customers.csv --state-root state --format json"
    )]
    Verify(Box<VerifyArgs>),
    /// List the built-in templates, or copy them into a folder to edit and use with --templates.
    #[command(
        subcommand,
        after_help = "Examples:\n  m365-runbook templates list\n  m365-runbook templates eject my-templates\n  \
m365-runbook --templates my-templates render corso --tenant contoso"
    )]
    Templates(TemplatesCommand),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Profile id, alias, or path to a profile file.
    pub profile: String,
    /// A folder written by the bundle's collect-state script (default: state/TENANT with --tenant).
    #[arg(long, value_name = "DIR", conflicts_with = "inventory")]
    pub state: Option<PathBuf>,
    /// `az ad app show --id APP_ID` (default: application.json in the state folder).
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub application: Option<PathBuf>,
    /// `az ad sp show --id APP_ID` (default: service-principal.json).
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub service_principal: Option<PathBuf>,
    /// GET /servicePrincipals/{id}/appRoleAssignments (default: app-role-assignments.json).
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub app_role_assignments: Option<PathBuf>,
    /// GET /oauth2PermissionGrants?$filter=clientId eq '{id}' (default: oauth2-permission-grants.json).
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub grants: Option<PathBuf>,
    /// The service principals of the APIs consented to: id, appId, displayName (default:
    /// resource-service-principals.json when present).
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub resources: Option<PathBuf>,
    /// Verify one tenant per row of this CSV or YAML inventory, from STATE_ROOT/TENANT/.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// With --inventory: the folder holding one state folder per tenant (default: state).
    #[arg(long, value_name = "DIR", requires = "inventory")]
    pub state_root: Option<PathBuf>,
    /// The tenant's initial domain prefix, for the report (and the default state folder).
    #[arg(long, value_name = "NAME", conflicts_with = "inventory")]
    pub tenant: Option<TenantName>,
    /// The app the state must be of.
    #[arg(long, value_name = "GUID", conflicts_with = "inventory")]
    pub client_id: Option<Guid>,
    /// The app was registered with --least-privilege (Sites.Selected instead of Sites.*.All).
    #[arg(long, conflicts_with = "inventory")]
    pub least_privilege: bool,
    /// Report credentials that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub expiring_within: u32,
    /// Judge credential expiry as of this day (default: today). Pin it for reproducible output.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Profile ids, aliases or files (default: every profile `list` shows).
    #[arg(value_name = "PROFILE")]
    pub names: Vec<String>,
    /// Folder to write the pages to.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The documentation system to write for: markdown, docusaurus or gitbook.
    #[arg(long, value_enum, default_value_t)]
    pub flavor: crate::render::Flavor,
    /// Judge date-dependent warnings as of this day (default: today). Pin it for reproducible pages.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// Silence a lint rule by id; repeatable.
    #[arg(long, value_name = "ID")]
    pub allow: Vec<String>,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// What to print once written.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The profile to compare from: id, alias or file.
    pub old: String,
    /// The profile to compare to: id, alias or file.
    pub new: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
    /// Judge date-dependent lint findings as of this day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    #[default]
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the built-in templates and what each writes.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Copy every built-in template into DIR, to edit and pass back with --templates DIR.
    Eject {
        /// The folder to write them to.
        dir: PathBuf,
        /// Replace templates already in DIR.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Profile ids, aliases or files (default: every built-in profile).
    #[arg(value_name = "PROFILE")]
    pub names: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
    /// Silence a rule by id; repeatable.
    #[arg(long, value_name = "ID")]
    pub allow: Vec<String>,
    /// Judge date-dependent rules as of this day (default: today). Pin it for reproducible output.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// Print the profile with every resolvable mistake corrected and recorded in `corrections`.
    #[arg(long)]
    pub fix: bool,
    /// Lint as if rendering with this credential.
    #[arg(long, value_enum)]
    pub credential: Option<CredentialKind>,
    /// Lint as if rendering with this secret lifetime.
    #[arg(long, value_name = "N")]
    pub secret_years: Option<SecretYears>,
    /// Lint as if rendering for this cloud.
    #[arg(long, value_name = "CLOUD", value_parser = ["public", "gcc", "gcc-high", "dod", "china"])]
    pub cloud: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new profile's id (lowercase letters, digits, `-`).
    pub id: String,
    /// A vendor's permission table to import: pasted text (pipe, Markdown or tab tables, one
    /// cell per line, lists of names or consent texts) or a saved HTML page.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Report format for --from: text (on standard error) or json (on standard output).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Where to write it (default: ID.yaml; `-` for standard output).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Find permissions by name or description, best match first.
    #[command(after_help = "Example:\n  m365-runbook catalog search \"read mail\" --api graph --type application")]
    Search {
        /// Words to look for (case-insensitive).
        text: String,
        /// Only this API (name, alias or app id).
        #[arg(long)]
        api: Option<String>,
        /// Only application or delegated permissions.
        #[arg(long = "type", value_enum)]
        kind: Option<crate::catalog::Kind>,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Everything known about a permission name or GUID, on every API and type.
    #[command(after_help = "Example:\n  m365-runbook catalog show User.Read.All")]
    Show {
        /// A permission name (case-insensitive) or GUID.
        name: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Refresh the catalog from service-principal JSON carried in from a connected machine.
    #[command(
        after_help = "On a connected machine:\n  az ad sp show --id 00000003-0000-0000-c000-000000000000 > graph-sp.json\n  \
Get-MgServicePrincipal -Filter \"appId eq '00000003-0000-0ff1-ce00-000000000000'\" | ConvertTo-Json -Depth 5 > spo-sp.json\n\
Then, here:\n  m365-runbook catalog import graph-sp.json spo-sp.json"
    )]
    Import {
        /// One JSON file per resource (az ad sp show, or Get-MgServicePrincipal | ConvertTo-Json -Depth 5).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The snapshot date and sources of the catalog in use.
    #[command(after_help = "Example:\n  m365-runbook catalog info")]
    Info {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum CloudCommand {
    /// List the built-in clouds.
    List,
    /// Print a built-in cloud as YAML: a starting point for --cloud-file.
    Show {
        /// public, gcc, gcc-high, dod or china.
        #[arg(value_parser = ["public", "gcc", "gcc-high", "dod", "china"])]
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, as printed in brackets: `warning[legacy-auth]`.
    pub id: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Profile id, alias, or path to a profile file.
    pub profile: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Profile id, alias, or path to a profile file.
    pub profile: String,

    /// The tenant's initial domain prefix: `contoso` for contoso.onmicrosoft.com.
    #[arg(long, value_name = "NAME")]
    pub tenant: Option<TenantName>,

    /// A YAML file of values (tenant, app_name, cloud, ...); repeatable, later files win.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// A value as key=value, over the values files; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Print the final values and where each came from, and write nothing.
    #[arg(long)]
    pub show_values: bool,

    /// Render one bundle per row of this CSV or YAML inventory (tenant, tenant_id, client_id, ...)
    /// into OUT/TENANT/ (default OUT: out/PROFILE), with index.json and index.md.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["tenant", "show_values"])]
    pub inventory: Option<PathBuf>,

    /// With --inventory: render the good rows even if some are bad, and report the bad ones.
    #[arg(long, requires = "inventory")]
    pub keep_going: bool,

    /// The tenant's directory (tenant) ID, when known.
    #[arg(long, value_name = "GUID")]
    pub tenant_id: Option<Guid>,

    /// The application (client) ID of an app already registered.
    #[arg(long, value_name = "GUID")]
    pub client_id: Option<Guid>,

    /// The app's display name (default: the profile's).
    #[arg(long, value_name = "NAME")]
    pub app_name: Option<AppName>,

    /// The kind of credential to create (default: the profile's).
    #[arg(long, value_enum)]
    pub credential: Option<CredentialKind>,

    /// Lifetime of the secret or certificate in years: 1 (default) or 2.
    #[arg(long, value_name = "N")]
    pub secret_years: Option<SecretYears>,

    /// The cloud the tenant lives in: public (default), gcc, gcc-high, dod or china.
    #[arg(long, value_name = "CLOUD", value_parser = ["public", "gcc", "gcc-high", "dod", "china"], conflicts_with = "cloud_file")]
    pub cloud: Option<String>,

    /// A cloud defined in a YAML file (see `m365-runbook cloud show dod` for the fields).
    #[arg(long, value_name = "FILE")]
    pub cloud_file: Option<PathBuf>,

    /// Ask for Sites.Selected instead of Sites.*.All and grant it per site (--site).
    #[arg(long)]
    pub least_privilege: bool,

    /// A SharePoint site to grant with --least-privilege (https://TENANT.sharepoint.com/sites/NAME); repeatable.
    #[arg(long, value_name = "URL", requires = "least_privilege")]
    pub site: Vec<String>,

    /// Only what these workloads need (format 2 tags): exchange, onedrive, sharepoint, teams, groups, planner, directory; comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub workloads: Vec<String>,

    /// Leave out what only these uses need (format 2 tags): backup or restore; comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub without: Vec<String>,
    /// Keep steps past their retirement as of --as-of (appinv.aspx, legacy authentication, EWS,
    /// Azure AD Graph), marked as retired, instead of leaving them out.
    #[arg(long)]
    pub include_retired: bool,

    /// A user to make an owner of the app (user principal name); repeatable.
    #[arg(long, value_name = "UPN")]
    pub owner: Vec<String>,

    /// Text for the app's notes, after the line naming the product and profile.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,

    /// The app's serviceManagementReference: your ticket or service id for it.
    #[arg(long, value_name = "TEXT")]
    pub service_management_reference: Option<String>,

    /// Upload this certificate (PEM or DER, public part only) instead of making one.
    #[arg(long, value_name = "FILE", conflicts_with = "keyvault")]
    pub certificate_file: Option<PathBuf>,

    /// Upload the certificate --keyvault-cert from this Azure Key Vault.
    #[arg(long, value_name = "VAULT", requires = "keyvault_cert")]
    pub keyvault: Option<String>,

    /// The certificate's name in --keyvault.
    #[arg(long, value_name = "NAME", requires = "keyvault")]
    pub keyvault_cert: Option<String>,

    /// Limit mail, calendar and contact access to a mail-enabled security group (its address)
    /// or a recipient filter, with Exchange RBAC for Applications.
    #[arg(long, value_name = "GROUP|FILTER")]
    pub mailbox_scope: Option<String>,

    /// Folder to write the bundle to (default: out/PROFILE/TENANT).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace an existing bundle in the output folder.
    #[arg(long)]
    pub force: bool,

    /// Judge date-dependent warnings as of this day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,

    /// Silence a lint rule by id; repeatable.
    #[arg(long, value_name = "ID")]
    pub allow: Vec<String>,

    /// What to print once written.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,

    /// The documentation system runbook.md is written for: markdown, docusaurus or gitbook.
    #[arg(long, value_enum, default_value_t)]
    pub flavor: crate::render::Flavor,

    /// Write a delta bundle instead: upgrade the app from what this profile asked for (id, alias
    /// or file), adding only what is missing and listing what may be removed.
    #[arg(long, value_name = "OLD", conflicts_with = "inventory")]
    pub upgrade_from: Option<String>,
}
