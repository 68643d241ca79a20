//! MAJ_IDENTITE — the rebuild of the identity statistics table (SPEC §6): one row per
//! student with its age on the run's date, age group, sex, nationality group (France, Union
//! européenne, hors UE, from the PAYS nomenclature), establishment, composante, cursus, year,
//! diploma, bursary (CODEBRS filled) and social-security affiliation.
//!
//! The rules are `calcium_core::identity`'s; they are applied to the distinct birth dates and
//! nationality codes (a few thousand values, whatever the number of students), and the store
//! joins the answers to the students in one `INSERT … SELECT` inside the transaction that
//! replaces the table: readers see the old table or the new one, never a half-built one.

use std::collections::HashMap;

use calcium_core::BatchCode;
use calcium_core::identity::{AgeGroup, NationalityGroup, age_on};
use calcium_core::reference::NomenclatureKind;
use calcium_scheduler::{BoxFuture, Job, JobContext, JobError, JobSummary};
use calcium_store::{IdentityClassification, IdentityInputs};
use jiff::civil::Date;

#[derive(Debug, Clone, Copy)]
pub struct RebuildIdentityStats;

impl Job for RebuildIdentityStats {
    fn code(&self) -> BatchCode {
        BatchCode::MajIdentite
    }

    fn run<'a>(&'a self, ctx: &'a JobContext) -> BoxFuture<'a, Result<JobSummary, JobError>> {
        Box::pin(async move {
            let now = ctx.now().await?;
            let today = now.to_zoned_datetime(ctx.settings.time_zone.clone()).date();
            let eu_members: HashMap<String, bool> = ctx
                .store
                .nomenclature(NomenclatureKind::Pays)
                .await?
                .into_iter()
                .map(|country| (country.code, country.eu_member))
                .collect();
            ctx.checkpoint()?;
            let built = ctx.store.rebuild_identity_stats(|inputs| classify(inputs, today, &eu_members), now).await?;
            ctx.log.info(format!(
                "Table des statistiques d'identité reconstruite : {built} étudiant(s), âges au {}",
                today.strftime("%d/%m/%Y")
            ));
            Ok(JobSummary::default().count("étudiants", built as i64))
        })
    }
}

/// The age and age group of each birth date on `today`, and the group of each nationality.
pub(crate) fn classify(
    inputs: &IdentityInputs,
    today: Date,
    eu_members: &HashMap<String, bool>,
) -> IdentityClassification {
    IdentityClassification {
        ages: inputs
            .birth_dates
            .iter()
            .map(|&birth| {
                let age = age_on(birth, today);
                (birth, age, AgeGroup::of_age(age).code())
            })
            .collect(),
        nationality_groups: inputs
            .nationalities
            .iter()
            .map(|code| (code.clone(), NationalityGroup::of(code, eu_members.get(code.trim()).copied()).code()))
            .collect(),
    }
}
