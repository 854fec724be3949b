//! An embedder's files listed in an overlay's kustomization stay listed: a render of the
//! fleet file alone does not know them, so it reads which they are from the directory.

use std::{fs, path::Path};

use thanos_render::{
    marker::{provenance, Provenance},
    Manifests,
};

/// Lists again, in `manifests`, every file an embedding tool added to an overlay of `dir`
/// with [`Manifests::insert_owned_resource`]: a `resources` entry of the overlay's
/// kustomization (as we generated it) that names a file in the overlay directory we did
/// not generate. A file gone from the directory drops out of the list, so the build never
/// names a missing file.
pub fn keep_owned_resources(manifests: &mut Manifests, dir: &Path) {
    let overlays: Vec<(String, String)> = manifests
        .overlays()
        .map(|(cluster, overlay)| (cluster.to_owned(), overlay.to_owned()))
        .collect();
    for (cluster, overlay) in overlays {
        let overlay = dir.join(overlay);
        for file in listed_owned(&overlay) {
            // A name the render writes itself is not the embedder's: nothing to keep.
            let _ = manifests.list_owned_resource(&cluster, &file);
        }
    }
}

/// The `resources` of the generated kustomization in `overlay` that are files there we
/// did not generate.
fn listed_owned(overlay: &Path) -> Vec<String> {
    let Ok(text) = fs::read_to_string(overlay.join(thanos_render::KUSTOMIZATION_FILE)) else {
        return Vec::new();
    };
    if provenance(&text) != Provenance::Generated {
        return Vec::new();
    }
    let Ok(kustomization) = serde_yaml::from_str::<serde_yaml::Value>(&text) else {
        return Vec::new();
    };
    let resources = kustomization
        .get("resources")
        .and_then(serde_yaml::Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(serde_yaml::Value::as_str);
    resources
        .filter(|file| {
            let path = overlay.join(file);
            let regular = fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_file());
            regular
                && fs::read_to_string(&path)
                    .is_ok_and(|content| provenance(&content) == Provenance::Foreign)
        })
        .map(str::to_owned)
        .collect()
}
