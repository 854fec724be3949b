//! `README.md` at the tree's root: the operator's runbook of this fleet.
//!
//! Every name, host, directory, replica count and command in it is this fleet's, read
//! from the objects the tree is made of, so the runbook cannot describe another tree than
//! the one beside it. It is written in the fleet's language ([`thanos_model::RunbookOptions`]);
//! commands are the same in every language, and every value they interpolate is quoted
//! for the shell unless it is a plain word.
//!
//! Sections, one file each: architecture, clusters, prerequisites, deploy order,
//! verification, Grafana, availability and sizing, changing the fleet (scaling, upgrading, removing),
//! troubleshooting, and the access table.

mod access;
mod alerting;
mod architecture;
mod availability;
mod changes;
mod clusters;
mod deploy;
mod fleet_view;
mod grafana_access;
mod lang;
pub mod markdown;
mod prerequisites;
mod security;
mod troubleshooting;
mod verify;
mod write_path;

use thanos_model::{Fleet, Language};

use self::{fleet_view::FleetView, lang::Lang, markdown::Document};
use crate::{Base, CentralOverlay, EdgeOverlay, Tree};

/// The file the runbook is written to, at the tree's root.
pub const FILE: &str = "README.md";

/// The runbook of a fleet, as a Markdown document to change before serializing.
///
/// It is made from the objects as [`crate::manifests`] built them; an embedding tool that
/// changes a name or host afterwards changes the document too (or renders the fleet it
/// changed instead).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Runbook {
    /// The language it is written in.
    pub language: Language,
    /// The document.
    pub document: Document,
}

impl Runbook {
    /// The runbook of a validated fleet whose objects are built; `None` when the fleet
    /// turns it off.
    pub(crate) fn new(
        fleet: &Fleet,
        base: &Base,
        central: &CentralOverlay,
        edges: &[EdgeOverlay],
    ) -> Option<Self> {
        if !fleet.runbook.enabled {
            return None;
        }
        let view = FleetView::new(fleet, base, central, edges);
        let l = Lang(fleet.runbook.language);
        let mut document = Document::new();
        document.push(l.h(
            1,
            "Runbook: Thanos monitoring of {} clusters",
            "런북: 클러스터 {}개의 Thanos 모니터링",
            [markdown::plain(view.clusters().count().to_string())],
        ));
        document.push(l.p(
            "This tree deploys the monitoring of the fleet below. It is rendered by thanos-kustomize from the fleet file: change the fleet file and render again (see {}) rather than editing these files, this one included. Every command here runs from this directory, the root of the tree.",
            "이 트리는 아래 클러스터들의 모니터링을 배포합니다. thanos-kustomize가 fleet 파일로부터 렌더링한 결과물이므로, 이 문서를 포함한 파일을 직접 고치지 말고 fleet 파일을 수정한 뒤 다시 렌더링하세요({} 참고). 이 문서의 모든 명령은 이 디렉터리(트리의 루트)에서 실행합니다.",
            [l.text("Changing the fleet", "fleet 변경", [])],
        ));
        for section in [
            architecture::blocks,
            clusters::blocks,
            prerequisites::blocks,
            deploy::blocks,
            write_path::blocks,
            security::blocks,
            verify::blocks,
            alerting::blocks,
            grafana_access::blocks,
            availability::blocks,
            changes::blocks,
            troubleshooting::blocks,
            access::blocks,
        ] {
            document.extend(section(&view, l));
        }
        Some(Self {
            language: fleet.runbook.language,
            document,
        })
    }

    /// The runbook as Markdown.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        self.document.to_markdown()
    }

    /// Writes [`FILE`] into `tree`.
    pub(crate) fn add_to(&self, tree: &mut Tree) {
        tree.insert(FILE.to_owned(), self.to_markdown(), &[]);
    }
}
