/* global mediasoupClientV2 */
// The page side of the rooms browser test: the unmodified mediasoup-client 2.x
// talking to the server through a WebSocket (one JSON message per request,
// response or notification).
(function () {
  const pending = new Map();
  let nextId = 1;
  let ws;
  let room;
  const transports = {};

  function relay(url) {
    return new Promise((resolve, reject) => {
      ws = new WebSocket(url);
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('websocket error'));
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'response') {
          const p = pending.get(message.id);
          pending.delete(message.id);
          if (!p) return;
          if (message.ok) p.callback(message.data);
          else p.errback(new Error(message.error));
        } else if (message.type === 'notification') {
          room.receiveNotification(message.notification);
        }
      };
    });
  }

  async function receive(consumer) {
    if (!consumer.supported) return;
    transports.recv = transports.recv || room.createTransport('recv');
    const track = await consumer.receive(transports.recv);
    if (track.kind === 'video') {
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.srcObject = new MediaStream([track]);
      document.body.appendChild(video);
    }
  }

  window.roomsTest = {
    closedConsumers: 0,
    async join(url, name) {
      await relay(url);
      room = new mediasoupClientV2.Room({ requestTimeout: 10000 });
      room.on('request', (request, callback, errback) => {
        const id = nextId++;
        pending.set(id, { callback, errback });
        ws.send(JSON.stringify({ type: 'request', id, request }));
      });
      room.on('notify', (notification) => ws.send(JSON.stringify({ type: 'notify', notification })));
      const watch = (peer) => {
        for (const consumer of peer.consumers) {
          consumer.on('close', () => window.roomsTest.closedConsumers++);
          receive(consumer);
        }
        peer.on('newconsumer', (consumer) => {
          consumer.on('close', () => window.roomsTest.closedConsumers++);
          receive(consumer);
        });
      };
      room.on('newpeer', watch);
      const peers = await room.join(name);
      peers.forEach(watch);
      return mediasoupClientV2.getDeviceInfo().flag;
    },
    async send() {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
      transports.send = room.createTransport('send');
      for (const track of stream.getTracks()) await room.createProducer(track, {}, { source: track.kind }).send(transports.send);
      return room.producers.length;
    },
    async inbound() {
      if (!transports.recv) return { video: 0, audio: 0 };
      // The 2.x Transport keeps its RTCPeerConnection in _handler._pc; read it to measure decoding.
      const report = await transports.recv._handler._pc.getStats();
      const out = { video: 0, audio: 0 };
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') out.video += s.framesDecoded || 0;
        else out.audio += s.packetsReceived || 0;
      });
      return out;
    },
    leave() {
      room.leave();
    },
  };
})();
