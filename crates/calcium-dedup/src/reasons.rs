//! The reasons shown with a pair, in French, read from the comparison levels: what agrees
//! first, then what disagrees.

use crate::compare::{Comparison, Field, NULL, birth, identifier, nom, plain, prenom, text};

/// The reviewer's phrases for one comparison.
pub(crate) fn reasons(comparison: &Comparison) -> Vec<String> {
    let mut agree = Vec::new();
    let mut disagree = Vec::new();
    let similarity = |value: f32| format!("{value:.2}").replace('.', ",");
    if comparison.swapped {
        agree.push("prénom et nom inversés".to_owned());
    } else {
        match comparison.level(Field::Nom) {
            nom::EQUAL => agree.push("même nom".to_owned()),
            nom::USAGE => agree.push("nom d'usage de l'un = nom de l'autre".to_owned()),
            nom::CORE => agree.push("noms équivalents (particule ou nom composé)".to_owned()),
            nom::CLOSE | nom::NEAR => agree.push(format!("noms proches ({})", similarity(comparison.nom_similarity))),
            nom::DIFFERENT => disagree.push("noms différents".to_owned()),
            _ => {}
        }
        match comparison.level(Field::Prenom) {
            prenom::EQUAL => agree.push("même prénom".to_owned()),
            prenom::COMPOUND => agree.push("prénoms compatibles (prénom composé ou second prénom)".to_owned()),
            prenom::CLOSE | prenom::NEAR => {
                agree.push(format!("prénoms proches ({})", similarity(comparison.prenom_similarity)));
            }
            prenom::DIFFERENT => disagree.push("prénoms différents".to_owned()),
            prenom::CROSSED => agree.push("le prénom de l'un est le nom de l'autre".to_owned()),
            _ => {}
        }
    }
    match comparison.level(Field::Birth) {
        birth::EQUAL => agree.push("même date de naissance".to_owned()),
        birth::DAY_MONTH_SWAPPED => agree.push("jour et mois de naissance inversés".to_owned()),
        birth::ONE_DIGIT => agree.push("dates de naissance à un chiffre près".to_owned()),
        birth::YEAR_OFF_BY_ONE => agree.push("années de naissance à un an près".to_owned()),
        birth::PARTIAL => agree.push("dates de naissance proches (deux éléments sur trois)".to_owned()),
        birth::DIFFERENT => disagree.push("dates de naissance différentes".to_owned()),
        _ => {}
    }
    let mut plain_field = |field: Field, same: &str, different: &str| match comparison.level(field) {
        plain::EQUAL => agree.push(same.to_owned()),
        plain::DIFFERENT => disagree.push(different.to_owned()),
        _ => {}
    };
    plain_field(Field::Sex, "même sexe", "sexes différents");
    plain_field(Field::Nationality, "même nationalité", "nationalités différentes");
    for (field, name) in [(Field::Ine, "INE"), (Field::Nni, "numéro INSEE")] {
        match comparison.level(field) {
            identifier::EQUAL => agree.push(format!("même {name}")),
            identifier::ONE_SLIP => agree.push(format!("{name} à un caractère près")),
            identifier::DIFFERENT => disagree.push(format!("{name} différents")),
            _ => {}
        }
    }
    match comparison.level(Field::Address) {
        text::EQUAL => agree.push("même adresse".to_owned()),
        text::CLOSE => agree.push("adresses proches".to_owned()),
        _ => {}
    }
    match comparison.level(Field::Postcode) {
        identifier::EQUAL if comparison.level(Field::Address) != text::EQUAL => {
            agree.push("même code postal".to_owned());
        }
        identifier::ONE_SLIP => agree.push("codes postaux à un chiffre près".to_owned()),
        _ => {}
    }
    if comparison.level(Field::Mail) == plain::EQUAL {
        agree.push("même e-mail".to_owned());
    }
    debug_assert!(comparison.levels.iter().all(|&l| l == NULL || l < 6));
    agree.extend(disagree);
    agree
}
