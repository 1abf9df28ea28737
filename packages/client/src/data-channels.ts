/**
 * The app's two data channels: `chat` and `file` producers on our send
 * transport, and a data consumer per remote peer and label on the receive
 * transport. Messages that do not parse are dropped.
 */
import type { Notifications } from '@consomme/protocol';
import type { types } from 'mediasoup-client';
import { createChatMessage, parseChatMessage } from './chat.js';
import { CHAT_LABEL, CHAT_MAX_LENGTH, FILE_LABEL } from './constants.js';
import type { RoomContext } from './context.js';
import { RoomError } from './errors.js';
import type { ChatEvent } from './events.js';
import { FileReceiver } from './file-receiver.js';
import { sendFileOver, type FileChannel, type FileLike, type SentFile } from './file-sender.js';
import { SerialQueue } from './queue.js';

const OPEN_TIMEOUT_MS = 10_000;

interface RemoteChannel {
  dataConsumer: types.DataConsumer;
  peerId: string;
  files: FileReceiver | undefined;
}

export class DataChannels {
  readonly #ctx: RoomContext;
  #chat: types.DataProducer | undefined;
  #file: types.DataProducer | undefined;
  readonly #remote = new Map<string, RemoteChannel>();
  readonly #sendQueue = new SerialQueue();

  constructor(ctx: RoomContext) {
    this.#ctx = ctx;
  }

  async createProducers(transport: types.Transport): Promise<void> {
    this.#chat = await transport.produceData({ ordered: true, label: CHAT_LABEL, protocol: 'json' });
    this.#file = await transport.produceData({ ordered: true, label: FILE_LABEL, protocol: 'file' });
  }

  async onNewDataConsumer(n: Notifications['newDataConsumer']): Promise<void> {
    const transport = this.#ctx.recvTransport();
    if (!transport || transport.closed || this.#remote.has(n.id)) return;
    if (n.label !== CHAT_LABEL && n.label !== FILE_LABEL) return;
    const dataConsumer = await transport.consumeData({
      id: n.id,
      dataProducerId: n.dataProducerId,
      sctpStreamParameters: n.sctpStreamParameters as types.SctpStreamParameters,
      label: n.label,
      protocol: n.protocol,
    });
    dataConsumer.binaryType = 'arraybuffer';
    const peerId = n.peerId;
    const remote: RemoteChannel = { dataConsumer, peerId, files: undefined };
    if (n.label === CHAT_LABEL) {
      dataConsumer.on('message', (data: unknown) => this.#onChat(peerId, data));
    } else {
      const files = new FileReceiver({
        onProgress: (p) => this.#ctx.emit('fileProgress', {
          transferId: p.transferId, direction: 'receive', peerId, name: p.name, size: p.size, bytes: p.received,
        }),
        onFile: (f) => this.#ctx.emit('fileReceived', {
          transferId: f.transferId, from: peerId, displayName: this.#ctx.peerName(peerId), name: f.name, size: f.size,
          mimeType: f.mimeType, blob: f.blob, sha256: f.sha256, verified: f.verified,
        }),
      });
      remote.files = files;
      // Chunks are applied in order; file-end awaits a hash, so chain the messages.
      let chain = Promise.resolve();
      dataConsumer.on('message', (data: unknown) => {
        chain = chain.then(() => files.handle(data)).catch((error) => this.#ctx.reportError(error));
      });
    }
    this.#remote.set(n.id, remote);
  }

  onDataConsumerClosed(dataConsumerId: string): void {
    const remote = this.#remote.get(dataConsumerId);
    if (remote) this.#close(dataConsumerId, remote);
  }

  closePeer(peerId: string): void {
    for (const [id, remote] of this.#remote) if (remote.peerId === peerId) this.#close(id, remote);
  }

  /** The transports closed (leave or rejoin). */
  dropAll(): void {
    for (const [id, remote] of this.#remote) this.#close(id, remote);
    this.#chat = undefined;
    this.#file = undefined;
  }

  async sendChat(text: string): Promise<ChatEvent> {
    if (text.trim().length > CHAT_MAX_LENGTH) throw new RoomError('BAD_REQUEST', `a chat message has at most ${CHAT_MAX_LENGTH} characters`);
    const message = createChatMessage(text);
    if (!message) throw new RoomError('BAD_REQUEST', 'the message is empty');
    const producer = await waitOpen(this.#chat, 'chat');
    producer.send(JSON.stringify(message));
    const event: ChatEvent = {
      id: message.id, from: this.#ctx.peerId(), displayName: this.#ctx.peerName(this.#ctx.peerId()),
      text: message.text, sentAt: message.sentAt, local: true,
    };
    this.#ctx.emit('chat', event);
    return event;
  }

  /** One file at a time, so each gets the whole channel's flow control. */
  sendFile(file: FileLike, onProgress?: (sent: number, size: number) => void): Promise<SentFile> {
    return this.#sendQueue.push(async () => {
      const producer = await waitOpen(this.#file, 'file');
      const peerId = this.#ctx.peerId();
      return sendFileOver(dataProducerChannel(producer), file, (sent, size, transferId) => {
        onProgress?.(sent, size);
        this.#ctx.emit('fileProgress', { transferId, direction: 'send', peerId, name: file.name, size, bytes: sent });
      });
    });
  }

  #onChat(peerId: string, data: unknown): void {
    const message = parseChatMessage(data);
    if (!message) return;
    this.#ctx.emit('chat', {
      id: message.id, from: peerId, displayName: this.#ctx.peerName(peerId), text: message.text, sentAt: message.sentAt, local: false,
    });
  }

  #close(id: string, remote: RemoteChannel): void {
    this.#remote.delete(id);
    remote.files?.clear();
    if (!remote.dataConsumer.closed) remote.dataConsumer.close();
  }
}

async function waitOpen(producer: types.DataProducer | undefined, label: string): Promise<types.DataProducer> {
  if (!producer || producer.closed) throw new RoomError('CONNECTION_LOST', `the ${label} channel is not available`);
  if (producer.readyState === 'open') return producer;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: RoomError): void => {
      clearTimeout(timer);
      producer.off('open', onOpen);
      producer.off('close', onClose);
      producer.off('transportclose', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onOpen = (): void => done();
    const onClose = (): void => done(new RoomError('CONNECTION_LOST', `the ${label} channel closed`));
    const timer = setTimeout(() => done(new RoomError('TIMEOUT', `the ${label} channel did not open`)), OPEN_TIMEOUT_MS);
    producer.on('open', onOpen);
    producer.on('close', onClose);
    producer.on('transportclose', onClose);
  });
  return producer;
}

/** Adapts a DataProducer to sendFileOver's channel. */
export function dataProducerChannel(producer: types.DataProducer): FileChannel {
  return {
    send(data) {
      if (producer.closed || producer.readyState !== 'open') throw new RoomError('CONNECTION_LOST', 'the file channel closed');
      producer.send(data);
    },
    bufferedAmount: () => producer.bufferedAmount,
    waitBelow(threshold) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (producer.closed || producer.readyState !== 'open') finish(new RoomError('CONNECTION_LOST', 'the file channel closed'));
          else if (producer.bufferedAmount <= threshold) finish();
        };
        const finish = (error?: RoomError): void => {
          clearInterval(poll);
          producer.off('bufferedamountlow', check);
          producer.off('close', check);
          producer.off('transportclose', check);
          if (error) reject(error);
          else resolve();
        };
        producer.bufferedAmountLowThreshold = threshold;
        producer.on('bufferedamountlow', check);
        producer.on('close', check);
        producer.on('transportclose', check);
        // bufferedamountlow fires only on a crossing; a slow poll covers a crossing we were not listening for.
        const poll = setInterval(check, 250);
        check();
      });
    },
  };
}
