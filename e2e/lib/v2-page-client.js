/* global mediasoupClientV2 */
// Runs in the browser page: the unmodified mediasoup-client 2.x joining a
// seed-002 Room. Requests and notifications cross to Node through the
// functions the test exposes (v2Request, v2Notify); see v2-page.ts.
(() => {
  let room;
  const transports = {};

  window.v2Test = {
    async join(name) {
      room = new mediasoupClientV2.Room({ requestTimeout: 10000 });
      room.on('request', (request, callback, errback) => {
        window.v2Request(request).then((reply) => (reply.ok ? callback(reply.data) : errback(new Error(reply.error))), errback);
      });
      room.on('notify', (notification) => window.v2Notify(notification));
      await room.join(name);
      return mediasoupClientV2.getDeviceInfo().flag;
    },
    receiveNotification(notification) {
      room.receiveNotification(notification);
    },
    /**
     * Sends the fake microphone, then the fake camera at the given size, on a
     * new send transport. Audio goes first: the 2.x client answers with the
     * extmap ids of a probe offer that had audio first, which a video-only
     * offer from today's Chromium does not match.
     */
    async sendMedia(width, height) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width, height } });
      transports.send = room.createTransport('send');
      await room.createProducer(stream.getAudioTracks()[0], {}, { source: 'mic' }).send(transports.send);
      await room.createProducer(stream.getVideoTracks()[0], {}, { source: 'webcam' }).send(transports.send);
    },
    /** The send transport's RTCPeerConnection stats (the 2.x Transport keeps it in _handler._pc). */
    sendStats() {
      return transports.send._handler._pc.getStats();
    },
    leave() {
      if (room && !room.closed) room.leave();
    },
  };
})();
