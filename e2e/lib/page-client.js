// Runs in the browser page. A tiny mediasoup-client app driven by the test
// through page.evaluate; it talks to the Node fixture through window.signal.
(() => {
  async function request(method, data) {
    const reply = await window.signal(method, data);
    if (!reply.ok) throw new Error(reply.error);
    return reply.data;
  }

  const state = { device: undefined, send: undefined, recv: undefined, producers: {}, consumers: {}, elements: {} };

  async function load() {
    if (state.device) return;
    state.device = new mediasoupClient.Device();
    await state.device.load({ routerRtpCapabilities: await request('getRouterRtpCapabilities') });
  }

  function wireTransport(transport) {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(callback, errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      request('produce', { transportId: transport.id, kind, rtpParameters, appData })
        .then(({ id }) => callback({ id }), errback);
    });
  }

  async function createSendTransport(options) {
    await load();
    const params = await request('createWebRtcTransport', { options });
    state.send = state.device.createSendTransport(params);
    wireTransport(state.send);
  }

  async function createRecvTransport(options) {
    await load();
    const params = await request('createWebRtcTransport', { options });
    state.recv = state.device.createRecvTransport(params);
    wireTransport(state.recv);
  }

  /** Produce the fake camera and/or microphone. Returns producer ids by kind. */
  async function produce({ audio = true, video = true, videoCodec, audioCodec } = {}) {
    if (!state.send) await createSendTransport();
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: video ? { width: 640, height: 480 } : false });
    const ids = {};
    for (const track of stream.getTracks()) {
      const options = { track };
      const wanted = track.kind === 'video' ? videoCodec : audioCodec;
      if (wanted) {
        options.codec = state.device.rtpCapabilities.codecs.find((c) => c.mimeType.toLowerCase() === wanted.toLowerCase());
        if (!options.codec) throw new Error(`device cannot send ${wanted}`);
      }
      const producer = await state.send.produce(options);
      state.producers[producer.id] = producer;
      ids[track.kind] = producer.id;
    }
    return ids;
  }

  /** Consume a producer, attach it to a media element, resume it. */
  async function consume(producerId) {
    if (!state.recv) await createRecvTransport();
    const params = await request('consume', { transportId: state.recv.id, producerId, rtpCapabilities: state.device.rtpCapabilities });
    const consumer = await state.recv.consume(params);
    state.consumers[consumer.id] = consumer;
    const element = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
    element.autoplay = true;
    element.muted = true;
    element.playsInline = true;
    element.srcObject = new MediaStream([consumer.track]);
    document.body.appendChild(element);
    state.elements[consumer.id] = element;
    await request('resumeConsumer', { consumerId: consumer.id });
    return { id: consumer.id, kind: consumer.kind };
  }

  /** inbound-rtp figures of a consumer, plus the video element width. */
  async function consumerStats(consumerId) {
    const consumer = state.consumers[consumerId];
    const report = await consumer.getStats();
    let inbound;
    let remoteOutbound;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') inbound = s;
      if (s.type === 'remote-outbound-rtp') remoteOutbound = s;
    });
    const element = state.elements[consumerId];
    return {
      framesDecoded: inbound?.framesDecoded ?? 0,
      packetsReceived: inbound?.packetsReceived ?? 0,
      packetsLost: inbound?.packetsLost ?? 0,
      nackCount: inbound?.nackCount ?? 0,
      totalSamplesReceived: inbound?.totalSamplesReceived ?? 0,
      frameWidth: inbound?.frameWidth ?? 0,
      codecId: inbound?.codecId,
      // Present once the SFU's sender reports arrive (lip sync).
      remoteSenderReports: remoteOutbound?.reportsSent ?? 0,
      videoWidth: element && element.videoWidth !== undefined ? element.videoWidth : 0,
    };
  }

  /** remote-inbound-rtp per producer: present once the SFU's receiver reports arrive. */
  async function producerRemoteInbound() {
    const out = {};
    for (const producer of Object.values(state.producers)) {
      const report = await producer.getStats();
      report.forEach((s) => { if (s.type === 'remote-inbound-rtp') out[producer.kind] = { packetsLost: s.packetsLost, roundTripTime: s.roundTripTime }; });
    }
    return out;
  }

  async function senderCodecs() {
    const out = [];
    for (const producer of Object.values(state.producers)) {
      const report = await producer.getStats();
      report.forEach((s) => { if (s.type === 'codec') out.push(s.mimeType); });
    }
    return out;
  }

  window.msTest = { produce, consume, consumerStats, senderCodecs, producerRemoteInbound, state };
})();
