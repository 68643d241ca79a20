//! `calcium user add`: creates an administrator account; `calcium user token`: an API token.

use std::io::Read;

use calcium_core::user::{Email, Login, Role};
use calcium_store::{NewUser, Store};
use calcium_web::auth::{generate_password, hash_password};

use crate::failure::Failure;

/// Shorter passwords are refused: the page holds health data.
const MIN_PASSWORD_CHARS: usize = 12;

pub(crate) async fn add(store: &Store, login: &str, email: &str, password_stdin: bool) -> Result<(), Failure> {
    let login = Login::parse(login).map_err(|e| Failure::refused(e.to_string()))?;
    let email = Email::parse(email).map_err(|e| Failure::refused(e.to_string()))?;
    let (password, generated) = if password_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(anyhow::Error::from)?;
        let password = text.trim_end_matches(['\r', '\n']).to_owned();
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Failure::refused(format!(
                "mot de passe trop court ({MIN_PASSWORD_CHARS} caractères au moins)"
            )));
        }
        (password, false)
    } else {
        (generate_password(), true)
    };
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("hachage du mot de passe : {e}"))?;
    let user = NewUser { login: login.as_str(), email: Some(email.as_str()), password_hash: &hash, role: Role::Admin };
    match store.create_user(&user, jiff::Timestamp::now()).await {
        Ok(_) => {}
        Err(error) if error.is_conflict() => {
            return Err(Failure::refused(format!("l'identifiant {login} existe déjà")));
        }
        Err(error) => return Err(error.into()),
    }
    eprintln!("Compte administrateur {login} créé ({email}).");
    if generated {
        eprintln!("Mot de passe (affiché une seule fois) : {password}");
    }
    Ok(())
}

/// Creates an API token for `login` and prints it once on stdout (the base keeps its digest).
pub(crate) async fn token(store: &Store, login: &str) -> Result<(), Failure> {
    let login = Login::parse(login).map_err(|e| Failure::refused(e.to_string()))?;
    let user =
        store.find_user(login.as_str()).await?.ok_or_else(|| Failure::refused(format!("aucun compte {login}")))?;
    let token = calcium_web::random_token();
    store.create_api_token(&calcium_web::token_digest(&token), user.id, jiff::Timestamp::now()).await?;
    eprintln!("Jeton d'API créé pour {login} (affiché une seule fois) :");
    println!("{token}");
    Ok(())
}
