import { once } from 'node:events';
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Listening {
  readonly port: number;
  /** Drops every connection, hung ones included, and waits for the server to close. */
  close(): Promise<void>;
}

/** Starts a stand-in on 127.0.0.1 at a free port: tests never listen beyond loopback. */
export async function listenOnLoopback(server: http.Server | https.Server): Promise<Listening> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
