export * from "./core/index.js";
export * from "./fullstory/index.js";
export * from "./slashid/index.js";
export * from "./propeller/index.js";
export * from "./userpilot/index.js";
