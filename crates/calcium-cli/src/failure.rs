//! How a command fails, and the exit status that tells a script which way.

use std::fmt;

/// A command that did not do its work.
#[derive(Debug)]
pub enum Failure {
    /// The input was refused as a whole (bad argument, bad configuration, unknown batch,
    /// unreachable base…): exit status 2. The message is for a person, in French.
    Refused(String),
    /// The work asked for was done and failed (a batch run that ended in ERROR): exit
    /// status 1, with the French message of the failure.
    Failed(String),
    /// Something failed inside: exit status 1. Printed with its whole cause chain.
    Internal(anyhow::Error),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Refused(_) => 2,
            Failure::Failed(_) | Failure::Internal(_) => 1,
        }
    }

    pub fn refused(message: impl Into<String>) -> Failure {
        Failure::Refused(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Refused(message) | Failure::Failed(message) => f.write_str(message),
            Failure::Internal(error) => write!(f, "erreur interne : {error:#}"),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure::Internal(error)
    }
}

impl From<calcium_store::DbError> for Failure {
    fn from(error: calcium_store::DbError) -> Failure {
        Failure::Internal(error.into())
    }
}

impl From<crate::config::ConfigError> for Failure {
    fn from(error: crate::config::ConfigError) -> Failure {
        Failure::Refused(error.to_string())
    }
}
