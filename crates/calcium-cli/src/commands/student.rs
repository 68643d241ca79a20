//! `calcium student add|find`: hand-made records and look-ups.

use calcium_core::reference::NomenclatureKind;
use calcium_core::student::{BirthDate, Ine, MandatoryValues, Sexe, Student, StudentRecord};
use calcium_store::{Store, StudentQuery};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::args::{StudentAddArgs, StudentCommand};
use crate::commands::print_json;
use crate::failure::Failure;

pub(crate) async fn run(store: &Store, command: StudentCommand) -> Result<(), Failure> {
    match command {
        StudentCommand::Add(args) => add(store, args).await,
        StudentCommand::Find { ine, nom, json } => {
            if ine.is_none() && nom.is_none() {
                return Err(Failure::refused("précisez --ine ou --nom"));
            }
            let ine = ine.map(|v| Ine::parse(&v)).transpose().map_err(|e| Failure::refused(e.to_string()))?;
            let students = store.find_students(&StudentQuery { ine, nom, limit: None }).await?;
            if json {
                print_json(&students)
            } else {
                for student in &students {
                    println!("{}", one_line(student));
                }
                eprintln!("{} étudiant(s) trouvé(s).", students.len());
                Ok(())
            }
        }
    }
}

async fn add(store: &Store, args: StudentAddArgs) -> Result<(), Failure> {
    let now = Timestamp::now();
    let today = now.to_zoned_datetime(TimeZone::system()).date();
    let refused = |message: String| Failure::Refused(message);
    let nom = non_empty(&args.nom, "--nom")?;
    let prenom = non_empty(&args.prenom, "--prenom")?;
    let datenai = BirthDate::parse(&args.naissance, today)
        .map_err(|e| refused(format!("Date de naissance non lisible « {} » : {e}", args.naissance)))?;
    let sexe = Sexe::parse(&args.sexe).map_err(|e| refused(e.to_string()))?;
    let ine = args.ine.as_deref().map(Ine::parse).transpose().map_err(|e| refused(e.to_string()))?;
    let code_natio = non_empty(&args.nationalite, "--nationalite")?.to_uppercase();

    let countries = store.nomenclature(NomenclatureKind::Pays).await?;
    if !countries.iter().any(|c| c.code == code_natio) {
        eprintln!("Attention : code nationalité {code_natio} absent de la nomenclature PAYS.");
    }
    let (etb, cmp) = establishment(store, args.etb, args.cmp).await?;
    if let Some(ine) = &ine
        && ine.check_character_verifies() == Some(false)
    {
        eprintln!("Attention : le caractère de contrôle de l'INE {ine} ne se vérifie pas.");
    }

    let mut record = StudentRecord::new(MandatoryValues {
        cod_anu: academic_year(today).to_string(),
        nom,
        prenom1: prenom,
        sexe,
        datenai,
        code_natio,
        etb,
        cmp,
    });
    record.cod_nne = ine;

    // A look-alike is worth a warning, not a refusal: this is what DOUBLONS and the matching
    // rules of the import exist for (SPEC §5).
    let mut look_alikes = store.find_by_secondary_key(&record.secondary_key()).await?;
    if let Some(ine) = ine {
        let same_ine = store.find_students(&StudentQuery { ine: Some(ine), ..Default::default() }).await?;
        for student in same_ine {
            if !look_alikes.iter().any(|known| known.id == student.id) {
                look_alikes.push(student);
            }
        }
    }
    for other in &look_alikes {
        eprintln!("Attention : ce dossier ressemble à un dossier existant : {}", one_line(other));
    }

    let id = store.insert_student(&record, None, None, now).await?;
    if args.json {
        print_json(&store.get_student(id).await?)
    } else {
        eprintln!("Dossier étudiant créé : n° {}.", id.0);
        Ok(())
    }
}

fn non_empty(value: &str, flag: &str) -> Result<String, Failure> {
    let value = value.trim();
    if value.is_empty() {
        Err(Failure::refused(format!("{flag} ne peut pas être vide")))
    } else {
        Ok(value.to_owned())
    }
}

/// The establishment and composante of a hand-made record: the ones given, else the first of
/// the ETABLISSEMENT nomenclature (most bases hold a single establishment).
async fn establishment(store: &Store, etb: Option<String>, cmp: Option<String>) -> Result<(String, String), Failure> {
    let establishments = store.nomenclature(NomenclatureKind::Etablissement).await?;
    let composantes = store.nomenclature(NomenclatureKind::Composante).await?;
    let etb = match etb {
        Some(etb) => {
            let etb = etb.trim().to_uppercase();
            if !establishments.iter().any(|e| e.code == etb) {
                eprintln!("Attention : établissement {etb} absent de la nomenclature ETABLISSEMENT.");
            }
            etb
        }
        None => establishments
            .first()
            .map(|e| e.code.clone())
            .ok_or_else(|| Failure::refused("précisez --etb : la nomenclature ETABLISSEMENT est vide"))?,
    };
    let cmp = match cmp {
        Some(cmp) => {
            let cmp = cmp.trim().to_uppercase();
            if !composantes.iter().any(|c| c.code == cmp && c.parent_code == etb) {
                eprintln!("Attention : composante {cmp} absente de l'établissement {etb}.");
            }
            cmp
        }
        None => composantes
            .iter()
            .find(|c| c.parent_code == etb)
            .map(|c| c.code.clone())
            .ok_or_else(|| Failure::refused(format!("précisez --cmp : aucune composante connue pour {etb}")))?,
    };
    Ok((etb, cmp))
}

/// COD_ANU of a record made today: the academic year starts in September.
fn academic_year(today: jiff::civil::Date) -> i16 {
    if today.month() >= 9 { today.year() } else { today.year() - 1 }
}

fn one_line(student: &Student) -> String {
    let r = &student.record;
    format!(
        "n° {} — {} {} né(e) le {} — nationalité {} — INE {}",
        student.id.0,
        r.nom,
        r.prenom1,
        r.datenai.date().strftime("%d/%m/%Y"),
        r.code_natio,
        r.cod_nne.as_ref().map_or("absent", |ine| ine.as_str())
    )
}
