/** What a database reader hands the cataloger: the header blobs it found, and the damage it skipped. */
export interface HeaderBlobs {
  /** Header blobs in database order, each with the record number the database keeps it under. */
  blobs: Array<{ key: number; blob: Uint8Array }>;
  /** One line for each part of the database that could not be read (the rest still is). */
  damage: string[];
}
