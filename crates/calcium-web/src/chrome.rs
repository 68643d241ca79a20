//! What every logged-in page shows around its content: the user's login, the session's CSRF
//! token for the logout form, and which tab of the navigation is active.

use crate::auth::CurrentUser;

/// The frame of a logged-in page.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    pub(crate) login: String,
    pub(crate) csrf: String,
    /// `batches`, `import`, `downloads`, `statistics`, `relances`, `doublons` or `account`.
    pub(crate) active: &'static str,
}

impl Chrome {
    pub(crate) fn new(user: &CurrentUser, active: &'static str) -> Chrome {
        Chrome { login: user.login.clone(), csrf: user.csrf_token.clone(), active }
    }
}
