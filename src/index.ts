export * from "./core/index.js";
// Each vendor's API under its own name: `fullstory.importUsers`, `slashid.createSlashIdClient`, …
export * as fullstory from "./fullstory/index.js";
export * as slashid from "./slashid/index.js";
export * as propeller from "./propeller/index.js";
export * as userpilot from "./userpilot/index.js";
