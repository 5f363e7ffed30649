use std::cell::OnceCell;

use crate::catalog::Catalog;
use crate::date::Date;
use crate::diagnostic::Location;
use crate::plan::{Resolution, resolution};
use crate::profile::{CredentialKind, LoadedProfile};

/// What can change a rule's verdict besides the profile.
#[derive(Clone, Debug)]
pub struct Options {
    /// Date-dependent rules compare against this date.
    pub as_of: Date,
    /// The credential the bundle creates (default: the profile's).
    pub credential: Option<CredentialKind>,
    /// Secret lifetime in years, when given.
    pub secret_years: Option<u8>,
    /// The cloud the bundle targets, when given.
    pub cloud: Option<String>,
}

impl Options {
    pub fn as_of(as_of: Date) -> Options {
        Options { as_of, credential: None, secret_years: None, cloud: None }
    }
}

pub struct Context<'a> {
    pub loaded: &'a LoadedProfile,
    pub catalog: &'a Catalog,
    pub options: Options,
    resolved: OnceCell<Resolution>,
}

impl<'a> Context<'a> {
    pub fn new(loaded: &'a LoadedProfile, catalog: &'a Catalog, options: Options) -> Context<'a> {
        Context { loaded, catalog, options, resolved: OnceCell::new() }
    }

    /// The permissions resolved once, by the same code `render` uses.
    pub fn resolution(&self) -> &Resolution {
        self.resolved.get_or_init(|| resolution(self.loaded, self.catalog))
    }

    /// Every app's APIs: the main app's, then each further app's (format 2).
    pub fn all_apis(&self) -> impl Iterator<Item = &crate::plan::PlannedApi> {
        let r = self.resolution();
        r.apis.iter().chain(r.apps.iter().flatten())
    }

    pub fn locate(&self, path: &str) -> Option<Location> {
        self.loaded.spans().locate(path)
    }

    /// The credential the bundle will create.
    pub fn credential(&self) -> CredentialKind {
        crate::plan::effective_credential(&self.loaded.profile, &self.resolution().apis, self.options.credential)
    }
}
