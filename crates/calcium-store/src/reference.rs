//! Import models and nomenclatures.

use calcium_core::reference::{IMPORT_MODELS, NomenclatureKind, nomenclature_entries};

use crate::error::NotFound;
use crate::{DbError, Result, Store, on_backend};

/// An import model as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportModel {
    pub code: String,
    pub label: String,
    pub default_etb: Option<String>,
    pub default_cmp: Option<String>,
}

/// A nomenclature entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NomenclatureRow {
    pub code: String,
    pub label: String,
    /// The establishment of a composante; empty otherwise.
    pub parent_code: String,
    pub eu_member: bool,
}

impl Store {
    /// Inserts the shipped import models and nomenclature entries that are missing; entries an
    /// administrator changed are left alone.
    pub(crate) async fn ensure_reference_data(&self) -> Result<()> {
        let entries = nomenclature_entries();
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for model in IMPORT_MODELS {
                sqlx::query(
                    "INSERT INTO import_model (code, label, default_etb, default_cmp) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (code) DO NOTHING",
                )
                .bind(model.code)
                .bind(model.label)
                .bind(model.default_etb)
                .bind(model.default_cmp)
                .execute(&mut *tx)
                .await?;
            }
            for entry in &entries {
                sqlx::query(
                    "INSERT INTO nomenclature (kind, code, parent_code, label, eu_member) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (kind, code, parent_code) DO NOTHING",
                )
                .bind(entry.kind.as_str())
                .bind(entry.code)
                .bind(entry.parent.unwrap_or(""))
                .bind(entry.label)
                .bind(entry.eu_member)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn list_import_models(&self) -> Result<Vec<ImportModel>> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_as("SELECT code, label, default_etb, default_cmp FROM import_model ORDER BY code")
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn get_import_model(&self, code: &str) -> Result<ImportModel> {
        let model: Option<ImportModel> = on_backend!(self, |pool| {
            sqlx::query_as("SELECT code, label, default_etb, default_cmp FROM import_model WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        model.ok_or_else(|| DbError::NotFound(NotFound::ImportModel(code.to_owned())))
    }

    /// The entries of one nomenclature, by code.
    pub async fn nomenclature(&self, kind: NomenclatureKind) -> Result<Vec<NomenclatureRow>> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_as(
                "SELECT code, label, parent_code, eu_member FROM nomenclature WHERE kind = $1 ORDER BY parent_code, code",
            )
            .bind(kind.as_str())
            .fetch_all(pool)
            .await?
        }))
    }
}
