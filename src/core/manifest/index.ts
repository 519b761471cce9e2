/** The model pack's manifest: its schema and its validation, and each model version's reference statistics, behind one import. */
export * from './schema';
export * from './reference';
export * from './validate';

/** Where the model pack lives in this repository: the server's default model registry. */
export const MODEL_PACK_DIR = 'public/models';
