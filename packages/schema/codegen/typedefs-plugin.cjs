// A local GraphQL Code Generator plugin: emits the schema SDL as a TypeScript
// string, so the server needs no file read at run time (and runs under Deno as is).
const { printSchemaWithDirectives } = require('@graphql-tools/utils');

module.exports = {
  plugin(schema) {
    const sdl = printSchemaWithDirectives(schema);
    return `/** The schema SDL, generated from schema.graphql. */\nexport const typeDefs: string = ${JSON.stringify(sdl)};\n`;
  },
};
