// Validates live API answers against docs/openapi.yaml: the schema of the
// operation's documented status code (JSON Schema 2020-12, OpenAPI 3.1).
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

export function loadOpenApi(file) {
  const doc = YAML.parse(readFileSync(file, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const validators = new Map();
  const checked = new Set();
  const schemaFor = (method, route, status) => {
    const op = doc.paths?.[route]?.[method.toLowerCase()];
    if (!op) return undefined;
    const response = op.responses?.[String(status)] ?? op.responses?.default;
    let schema = response?.content?.['application/json']?.schema;
    if (response?.$ref) {
      const name = response.$ref.split('/').pop();
      schema = doc.components.responses[name]?.content?.['application/json']?.schema;
    }
    return schema;
  };
  return {
    doc,
    checked,
    // Throws when the answer is undocumented or does not match its schema.
    validate(method, route, status, body) {
      const key = `${method} ${route} ${status}`;
      const schema = schemaFor(method, route, status);
      if (!schema) throw new Error(`undocumented answer: ${key}`);
      if (!validators.has(key)) {
        const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
        validators.set(key, ajv.compile(rewritten));
      }
      const validate = validators.get(key);
      if (!validate(body)) {
        throw new Error(`${key} does not match docs/openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
      }
      checked.add(key);
    },
  };
}
