//! How WebKitGTK paints the window on a machine without a GPU.
//!
//! WebKitGTK 2.46 and later paint with Skia on the GPU through OpenGL. On a
//! machine with no GPU (a virtual machine, a remote desktop, a thin client)
//! Mesa still offers OpenGL, emulated on the processor (llvmpipe), and
//! WebKit's GPU painting then costs memory and time for nothing: Skia's GPU
//! caches and textures live in ordinary memory. Skia's own CPU painting is
//! the better choice there. Measured on the 2-core machine without a GPU
//! (`scripts/bench-app.sh`, 1,000 stored): the window's web process went
//! from 230 to 190 MiB PSS.
//!
//! A machine has a GPU to paint with when the kernel offers a DRM render
//! node (`/dev/dri/renderD*`); without one, the app asks WebKit for CPU
//! painting (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`), unless the variable is
//! set already: whoever set it decides.

use std::path::Path;

/// The environment variable WebKitGTK reads for CPU painting.
pub const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Asks for CPU painting when this machine has no GPU render node. Call it
/// first thing, before any thread starts (it sets an environment variable,
/// which the web process inherits).
pub fn prefer_cpu_without_gpu() {
    if cfg!(target_os = "linux")
        && std::env::var_os(CPU_PAINTING).is_none()
        && !has_render_node(Path::new("/dev/dri"))
    {
        std::env::set_var(CPU_PAINTING, "1");
    }
}

/// Whether `dri` (the DRM device folder) holds a render node.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = tempfile::tempdir().unwrap();
        let dri = dir.path().join("dri");
        assert!(!has_render_node(&dri), "no folder: no GPU");
        std::fs::create_dir(&dri).unwrap();
        std::fs::write(dri.join("card0"), "").unwrap();
        assert!(
            !has_render_node(&dri),
            "a display card alone is no render node"
        );
        std::fs::write(dri.join("renderD128"), "").unwrap();
        assert!(has_render_node(&dri));
    }
}
