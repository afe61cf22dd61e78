/**
 * GPU adapters that are CPU emulations (SwiftShader, llvmpipe, lavapipe). They run DINOv2 15-40x
 * slower than WebAssembly on a 2-core machine, so the page and the CLI skip them unless asked.
 */
export const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|lavapipe/i;
