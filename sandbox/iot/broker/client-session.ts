import type { IConnectPacket, QoS } from 'mqtt-packet';
import type { ConnectionPrincipal } from './connection-authorizer.js';
import type { MqttConnection } from './mqtt-connection.js';
import { topicMatchesFilter } from './mqtt-topic.js';

export interface Subscription {
  filter: string;
  qos: 0 | 1;
  /** MQTT 5 No Local: never receive one's own publishes. */
  noLocal: boolean;
}

/** One connected MQTT client: its identity, its subscriptions and its will. */
export class ClientSession {
  /** Subscriptions become active when their SUBACK is sent (AWS's "subscribe, wait for SUBACK, publish"). */
  private readonly subscriptions = new Map<string, Subscription>();
  private nextMessageId = 1;
  will: IConnectPacket['will'] | undefined;

  constructor(
    readonly connection: MqttConnection,
    readonly clientId: string,
    readonly principal: ConnectionPrincipal,
  ) {}

  subscribe(subscription: Subscription): void {
    this.subscriptions.set(subscription.filter, subscription);
  }

  hasSubscription(filter: string): boolean {
    return this.subscriptions.has(filter);
  }

  subscriptionCount(): number {
    return this.subscriptions.size;
  }

  unsubscribe(filter: string): boolean {
    return this.subscriptions.delete(filter);
  }

  /** The highest QoS among matching subscriptions, or undefined when none matches. */
  matchingQos(topic: string, fromSelf = false): QoS | undefined {
    let best: 0 | 1 | undefined;
    for (const subscription of this.subscriptions.values()) {
      if (fromSelf && subscription.noLocal) continue;
      if (!topicMatchesFilter(subscription.filter, topic)) continue;
      best = best === undefined ? subscription.qos : (Math.max(best, subscription.qos) as 0 | 1);
    }
    return best;
  }

  allocateMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = id >= 0xffff ? 1 : id + 1;
    return id;
  }
}
