import { app } from '@azure/functions';

import { functionDefinitions } from './functions';
import { getServices } from './shared/composition/services';

// Cold start: parse every setting now, so a bad configuration fails loudly here and not on first request.
const services = getServices();

app.setup({ enableHttpStream: true });

for (const definition of functionDefinitions) {
  if (definition.kind === 'http') {
    app.http(definition.name, {
      route: definition.route,
      methods: [...definition.methods],
      authLevel: 'anonymous',
      handler: definition.createHandler(services),
    });
  } else {
    app.storageQueue(definition.name, {
      queueName: definition.queueName,
      connection: definition.connection,
      handler: definition.createHandler(services),
    });
  }
}
