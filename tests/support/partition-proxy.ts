import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a local server, for a network partition: after `cut()` nothing more gets through
 * either way (bytes are dropped, connections stay open), so a request sent then never reaches the server,
 * unlike one sent to a frozen (SIGSTOPped) server, which reads it once it is thawed.
 */
export interface PartitionProxy {
  readonly port: number;
  cut(): void;
  close(): Promise<void>;
}

export async function startPartitionProxy(target: { host: string; port: number }): Promise<PartitionProxy> {
  let cut = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    client.on('data', (chunk) => {
      if (!cut) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!cut) client.write(chunk);
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    cut: () => {
      cut = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
