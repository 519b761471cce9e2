/** Files the pipeline keeps beside the pack: the small fp32 model and PyTorch's reference outputs. */
export const ARTIFACTS_DIR = 'training/artifacts';
