/** The model pack's manifest: its schema and its validation, behind one import. */
export * from './schema';
export * from './validate';
