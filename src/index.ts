import { app } from '@azure/functions';

import { functionDefinitions } from './functions';
import { getServices } from './shared/composition/services';
import { installProcessHandlers } from './shared/hosting/process-handlers';

// Cold start: parse every setting now, so a bad configuration fails loudly here and not on first request.
const services = getServices();
// One invocation's unhandled rejection is logged with its correlation id, not the end of every other one.
installProcessHandlers(services.logger());

app.setup({ enableHttpStream: true });

for (const definition of functionDefinitions) {
  if (definition.kind === 'http') {
    app.http(definition.name, {
      route: definition.route,
      methods: [...definition.methods],
      authLevel: 'anonymous',
      handler: definition.createHandler(services),
    });
  } else if (definition.kind === 'timer') {
    app.timer(definition.name, {
      schedule: definition.schedule(services.config),
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
