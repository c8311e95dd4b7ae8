// Embeds texts through an OpenAI-compatible server with the official `openai` npm package,
// and prints one JSON object on stdout:
//   float   - encoding_format "float"
//   sdk     - no encoding_format: the SDK asks for base64 and decodes it itself
//   base64  - encoding_format "base64": the strings, decoded here as little-endian float32
//   usage, model, and `errors`: what the SDK raises for an unknown model, an empty input and
//   a wrong API key (status and error code).
// Usage: node openai_embed.mjs BASE_URL API_KEY MODEL TEXTS.json
import fs from 'node:fs';
import OpenAI from 'openai';

const [baseURL, apiKey, model, textsPath] = process.argv.slice(2);
const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120000 });

function decodeBase64(s) {
  const bytes = Buffer.from(s, 'base64');
  const out = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(bytes.readFloatLE(i));
  return out;
}

async function failure(call) {
  try {
    await call();
    return { status: 200 };
  } catch (e) {
    return { status: e.status ?? null, code: e.code ?? null, type: e.type ?? null, param: e.param ?? null,
             message: e.message, name: e.constructor.name };
  }
}

const asFloat = await client.embeddings.create({ model, input: texts, encoding_format: 'float' });
const bySdk = await client.embeddings.create({ model, input: texts });
const asBase64 = await client.embeddings.create({ model, input: texts, encoding_format: 'base64' });
const wrongKey = new OpenAI({ baseURL, apiKey: apiKey + '-wrong', maxRetries: 0 });

const result = {
  model: asFloat.model,
  usage: asFloat.usage,
  indices: asFloat.data.map((d) => d.index),
  float: asFloat.data.map((d) => d.embedding),
  sdk: bySdk.data.map((d) => Array.from(d.embedding)),
  base64: asBase64.data.map((d) => decodeBase64(d.embedding)),
  errors: {
    unknown_model: await failure(() => client.embeddings.create({ model: 'no-such-model', input: 'x' })),
    empty_input: await failure(() => client.embeddings.create({ model, input: '' })),
    bad_dimensions: await failure(() => client.embeddings.create({ model, input: 'x', dimensions: 100000 })),
    wrong_key: await failure(() => wrongKey.embeddings.create({ model, input: 'x' })),
  },
  models: (await client.models.list()).data.map((m) => m.id),
};
process.stdout.write(JSON.stringify(result) + '\n');
