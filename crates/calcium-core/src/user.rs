//! Users of the admin page: logins and e-mail addresses.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("Identifiant invalide : « {0} » (lettres, chiffres, point, tiret ou souligné ; 1 à 64 caractères)")]
    Login(String),
    #[error("Adresse e-mail invalide : « {0} »")]
    Email(String),
}

/// A login: 1 to 64 ASCII letters, digits, `.`, `-` or `_`, kept in lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login(String);

impl Login {
    pub fn parse(text: &str) -> Result<Login, UserError> {
        let text = text.trim();
        let ok = (1..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if ok { Ok(Login(text.to_ascii_lowercase())) } else { Err(UserError::Login(text.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for the shape `local@domain.tld` without spaces. Deliverability
/// is the SMTP server's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, UserError> {
        let text = text.trim();
        let bad = || UserError::Email(text.to_owned());
        let (local, domain) = text.split_once('@').ok_or_else(bad)?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && !domain.contains('@')
            && text.len() <= 254;
        if ok { Ok(Email(text.to_owned())) } else { Err(bad()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a user may do. The admin page is for the ADMINS CALCIUM only; the role is stored so
/// that a later, narrower role does not need a schema change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        (text == "ADMIN").then_some(Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_and_emails_are_checked() {
        assert_eq!(Login::parse("Admin").unwrap().as_str(), "admin");
        assert!(Login::parse("a b").is_err());
        assert!(Email::parse("marie.dupont@univ-exemple.fr").is_ok());
        for bad in ["marie", "marie@", "@x.fr", "a@b", "a b@c.fr", "a@b@c.fr"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
