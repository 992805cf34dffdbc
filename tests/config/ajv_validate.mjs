// Validates documents against a JSON Schema with Ajv (draft 2020-12) and its formats, as an
// editor's language server would. Usage: node ajv_validate.mjs SCHEMA.json < documents.json
// (a JSON array); prints a JSON array with, per document, the errors Ajv found ([] = valid).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
const documents = JSON.parse(readFileSync(0, "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// pydantic writes "examples" and "description" (annotations Ajv knows) and nothing else custom.
const validate = ajv.compile(schema);
const results = documents.map((doc) => {
  validate(doc);
  return (validate.errors || []).map((e) => ({ path: e.instancePath, message: e.message }));
});
process.stdout.write(JSON.stringify(results));
