//! `alertmanager:` values.

use serde::Serialize;

use super::StorageSpec;

/// `alertmanager`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerValues {
    /// `enabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `alertmanagerSpec`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alertmanager_spec: Option<AlertmanagerSpecValues>,
}

/// `alertmanager.alertmanagerSpec`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertmanagerSpecValues {
    /// `replicas`.
    pub replicas: u32,
    /// `storage`.
    pub storage: StorageSpec,
}
