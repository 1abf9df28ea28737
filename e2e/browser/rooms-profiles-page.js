/* global mediasoupClientV2 */
// The page side of rooms-profiles.test.ts, added to a page from
// e2e/lib/v2-page.ts: the unmodified mediasoup-client 2.x joins the Room
// through the functions that page exposes (v2Request, v2Notify), sends its
// fake camera with 2.x simulcast, and receives what the others send.
(() => {
  let room;
  const transports = {};
  const state = { videoConsumer: undefined, clientEffectiveProfiles: [] };

  async function receive(consumer) {
    if (!consumer.supported) return;
    transports.recv = transports.recv || room.createTransport('recv');
    if (consumer.kind === 'video') {
      state.videoConsumer = consumer;
      // What the 2.x client hears through consumerEffectiveProfileChanged.
      consumer.on('effectiveprofilechange', (profile) => state.clientEffectiveProfiles.push(profile));
    }
    const track = await consumer.receive(transports.recv);
    if (track.kind === 'video') {
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.srcObject = new MediaStream([track]);
      document.body.appendChild(video);
    }
  }

  window.profilesTest = {
    async join(name) {
      room = new mediasoupClientV2.Room({ requestTimeout: 10000 });
      room.on('request', (request, callback, errback) => {
        window.v2Request(request).then((reply) => (reply.ok ? callback(reply.data) : errback(new Error(reply.error))), errback);
      });
      room.on('notify', (notification) => window.v2Notify(notification));
      // v2-page.ts delivers the server's notifications through v2Test.receiveNotification.
      window.v2Test.receiveNotification = (notification) => room.receiveNotification(notification);
      const watch = (peer) => {
        peer.consumers.forEach(receive);
        peer.on('newconsumer', receive);
      };
      room.on('newpeer', watch);
      const peers = await room.join(name);
      peers.forEach(watch);
      return mediasoupClientV2.getDeviceInfo().flag;
    },
    /**
     * Microphone first, then the camera with simulcast: true (the Chrome70
     * handler munges the offer into three SSRCs in an a=ssrc-group:SIM).
     * Audio goes first because the 2.x client answers with the extmap ids of
     * a probe offer that had audio first. Chromium 156 encodes every munged
     * SSRC at full size, so `scale` sets scaleResolutionDownBy 4, 2, 1 on the
     * sender afterwards (plain WebRTC API; the 2.x library is untouched).
     */
    async sendSimulcast(width, height, scale) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width, height } });
      transports.send = room.createTransport('send');
      await room.createProducer(stream.getAudioTracks()[0], {}, { source: 'mic' }).send(transports.send);
      const video = room.createProducer(stream.getVideoTracks()[0], { simulcast: true }, { source: 'webcam' });
      await video.send(transports.send);
      if (scale) {
        const sender = transports.send._handler._pc.getSenders().find((s) => s.track === video.track);
        const parameters = sender.getParameters();
        parameters.encodings.forEach((encoding, i) => (encoding.scaleResolutionDownBy = 2 ** (parameters.encodings.length - 1 - i)));
        await sender.setParameters(parameters);
      }
      return video.rtpParameters.encodings.length;
    },
    /** Outbound video streams of the send transport: what Chromium really sends per layer. */
    async sentLayers() {
      const report = await transports.send._handler._pc.getStats();
      const out = [];
      report.forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') out.push({ ssrc: s.ssrc, frameWidth: s.frameWidth || 0, framesEncoded: s.framesEncoded || 0 });
      });
      return out.sort((a, b) => a.frameWidth - b.frameWidth);
    },
    /** The video sender's encodings as Chromium reports them (RTCRtpSender.getParameters()). */
    senderEncodings() {
      const sender = transports.send._handler._pc.getSenders().find((s) => s.track && s.track.kind === 'video');
      return sender.getParameters().encodings;
    },
    /** The received video as decoded here (the 2.x Transport keeps its RTCPeerConnection in _handler._pc). */
    async inboundVideo() {
      if (!transports.recv) return { framesDecoded: 0, frameWidth: 0 };
      const report = await transports.recv._handler._pc.getStats();
      let out = { framesDecoded: 0, frameWidth: 0 };
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') out = { framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth || 0 };
      });
      return out;
    },
    clientView() {
      const c = state.videoConsumer;
      return {
        effectiveProfile: c ? c.effectiveProfile : undefined,
        preferredProfile: c ? c.preferredProfile : undefined,
        clientEffectiveProfiles: state.clientEffectiveProfiles.slice(),
      };
    },
    leave() {
      if (room && !room.closed) room.leave();
    },
  };
})();
