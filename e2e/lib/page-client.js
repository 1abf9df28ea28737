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
    transport.on('producedata', ({ sctpStreamParameters, label, protocol, appData }, callback, errback) => {
      request('produceData', { transportId: transport.id, sctpStreamParameters, label, protocol, appData })
        .then(({ id }) => callback({ id }), errback);
    });
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
    const params = await request('createWebRtcTransport', { options, sctpCapabilities: state.device.sctpCapabilities });
    state.send = state.device.createSendTransport(params);
    wireTransport(state.send);
  }

  async function createRecvTransport(options) {
    await load();
    const params = await request('createWebRtcTransport', { options, sctpCapabilities: state.device.sctpCapabilities });
    state.recv = state.device.createRecvTransport(params);
    wireTransport(state.recv);
  }

  /** Produce the fake camera and/or microphone. Returns producer ids by kind. */
  async function produce({ audio = true, video = true, videoCodec, audioCodec, videoSize = { width: 640, height: 480 }, videoEncodings } = {}) {
    if (!state.send) await createSendTransport();
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: video ? videoSize : false });
    const ids = {};
    for (const track of stream.getTracks()) {
      const options = { track };
      if (track.kind === 'video' && videoEncodings) options.encodings = videoEncodings;
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
      frameHeight: inbound?.frameHeight ?? 0,
      framesPerSecond: inbound?.framesPerSecond ?? 0,
      freezeCount: inbound?.freezeCount ?? 0,
      totalFreezesDuration: inbound?.totalFreezesDuration ?? 0,
      bytesReceived: inbound?.bytesReceived ?? 0,
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

  // ---- data channels ----
  const data = { producers: {}, consumers: {}, received: {} };

  async function produceData(options = {}) {
    if (!state.send) await createSendTransport();
    const dataProducer = await state.send.produceData(options);
    data.producers[dataProducer.id] = dataProducer;
    if (dataProducer.readyState !== 'open') await new Promise((resolve) => dataProducer.once('open', resolve));
    return dataProducer.id;
  }

  async function consumeData(dataProducerId) {
    if (!state.recv) await createRecvTransport();
    const params = await request('consumeData', { transportId: state.recv.id, dataProducerId });
    const dataConsumer = await state.recv.consumeData(params);
    dataConsumer.binaryType = 'arraybuffer';
    data.consumers[dataConsumer.id] = dataConsumer;
    const received = { texts: [], bytes: 0, chunks: [] };
    data.received[dataConsumer.id] = received;
    dataConsumer.on('message', (message) => {
      if (typeof message === 'string') received.texts.push(message);
      else {
        received.chunks.push(new Uint8Array(message));
        received.bytes += message.byteLength;
      }
    });
    if (dataConsumer.readyState !== 'open') await new Promise((resolve) => dataConsumer.once('open', resolve));
    return dataConsumer.id;
  }

  function sendTexts(dataProducerId, count, prefix) {
    const dataProducer = data.producers[dataProducerId];
    for (let i = 0; i < count; i++) dataProducer.send(`${prefix}${i}`);
  }

  async function sha256(chunks) {
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    const all = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.byteLength;
    }
    const digest = await crypto.subtle.digest('SHA-256', all);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  /** Sends `size` random bytes in `chunk`-byte messages, pausing while bufferedAmount is high. */
  async function sendFile(dataProducerId, size, chunk) {
    const dataProducer = data.producers[dataProducerId];
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
    const high = 1024 * 1024;
    dataProducer.bufferedAmountLowThreshold = 256 * 1024;
    let maxBuffered = 0;
    for (let offset = 0; offset < size; offset += chunk) {
      if (dataProducer.bufferedAmount > high) {
        await new Promise((resolve) => dataProducer.once('bufferedamountlow', resolve));
      }
      dataProducer.send(bytes.slice(offset, Math.min(size, offset + chunk)));
      maxBuffered = Math.max(maxBuffered, dataProducer.bufferedAmount);
    }
    return { sha256: await sha256([bytes]), maxBuffered };
  }

  async function received(dataConsumerId) {
    const r = data.received[dataConsumerId];
    return { texts: r.texts, bytes: r.bytes, sha256: r.chunks.length ? await sha256(r.chunks) : '' };
  }

  // ---- audio tones (RTP observer tests) ----
  /**
   * Produce a WebAudio sine tone instead of the fake microphone, so a test
   * decides how loud each page is: gain 0 sends digital silence (RFC 6464
   * level 127), gain 0.5 a loud tone (about -9 dBov). Returns the producer id.
   */
  async function produceTone({ gain = 0.5, frequency = 440 } = {}) {
    if (!state.send) await createSendTransport();
    const context = new AudioContext();
    await context.resume();
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    const gainNode = context.createGain();
    gainNode.gain.value = gain;
    const destination = context.createMediaStreamDestination();
    oscillator.connect(gainNode).connect(destination);
    oscillator.start();
    const track = destination.stream.getAudioTracks()[0];
    const producer = await state.send.produce({ track });
    state.producers[producer.id] = producer;
    state.tones = state.tones ?? {};
    state.tones[producer.id] = { context, gainNode };
    return producer.id;
  }

  /** Change the loudness of a tone from produceTone(). */
  function setToneGain(producerId, gain) {
    const tone = state.tones?.[producerId];
    if (!tone) throw new Error(`no tone for producer ${producerId}`);
    tone.gainNode.gain.setValueAtTime(gain, tone.context.currentTime);
  }

  /** track.enabled = false makes Chromium send silence (level 127) on that producer. */
  function setTrackEnabled(producerId, enabled) {
    const producer = state.producers[producerId];
    if (!producer) throw new Error(`no producer ${producerId}`);
    producer.track.enabled = enabled;
  }

  window.msTest = {
    produceTone, setToneGain, setTrackEnabled,
    produceData,
    consumeData,
    sendTexts,
    sendFile,
    received, produce, consume, consumerStats, senderCodecs, producerRemoteInbound, state };
})();
