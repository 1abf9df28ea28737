// Runs in the Chromium pages of bench/bottleneck.ts (added with page.addScriptTag).
// window.bench.inbound/cpuLimited read a stats report the same way for both scenarios;
// the rest is a direct call: one RTCPeerConnection per page, signalled by the bench
// through window.benchSignal (page.exposeFunction), which relays to the other page.
(() => {
  /** B's inbound video figures from a stats report. */
  function inbound(report) {
    let s;
    report.forEach((x) => {
      if (x.type === 'inbound-rtp' && x.kind === 'video') s = x;
    });
    return {
      frameWidth: s?.frameWidth ?? 0,
      framesDecoded: s?.framesDecoded ?? 0,
      bytesReceived: s?.bytesReceived ?? 0,
      headerBytesReceived: s?.headerBytesReceived ?? 0,
      totalFreezesDuration: s?.totalFreezesDuration ?? 0,
    };
  }

  /** Seconds A's encoder spent limited by CPU (the most over its encodings). */
  function cpuLimited(report) {
    let max = 0;
    report.forEach((x) => {
      if (x.type === 'outbound-rtp' && x.kind === 'video') max = Math.max(max, x.qualityLimitationDurations?.cpu ?? 0);
    });
    return max;
  }

  let pc;
  const early = [];

  function open() {
    pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] });
    pc.onicecandidate = (event) => {
      if (event.candidate) window.benchSignal('candidate', event.candidate.toJSON());
    };
  }

  // Candidates can arrive before the remote description they belong to.
  async function addCandidate(candidate) {
    if (pc?.remoteDescription) await pc.addIceCandidate(candidate);
    else early.push(candidate);
  }

  async function flush() {
    while (early.length) await pc.addIceCandidate(early.shift());
  }

  /** A: the fake camera as one VP8 encoding (a direct call has no simulcast). */
  async function offer({ width, height, maxBitrate }) {
    open();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width, height } });
    const transceiver = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', sendEncodings: [{ maxBitrate }] });
    const codecs = RTCRtpSender.getCapabilities('video').codecs.filter((c) => /^video\/(vp8|rtx)$/i.test(c.mimeType));
    transceiver.setCodecPreferences(codecs);
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription.sdp;
  }

  /** B: receive and render, like page-client.js does for a consumer. */
  async function answer(sdp) {
    open();
    pc.ontrack = (event) => {
      const video = document.createElement('video');
      video.autoplay = true;
      video.muted = true;
      video.playsInline = true;
      video.srcObject = new MediaStream([event.track]);
      document.body.appendChild(video);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await flush();
    await pc.setLocalDescription(await pc.createAnswer());
    return pc.localDescription.sdp;
  }

  async function accept(sdp) {
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await flush();
  }

  /** The local UDP port of the selected candidate pair (undefined until ICE selects one). */
  async function localPort() {
    const report = await pc.getStats();
    let pairId;
    report.forEach((x) => {
      if (x.type === 'transport' && x.selectedCandidatePairId) pairId = x.selectedCandidatePairId;
    });
    const pair = pairId && report.get(pairId);
    const local = pair && report.get(pair.localCandidateId);
    return local?.port;
  }

  window.bench = {
    inbound,
    cpuLimited,
    addCandidate,
    offer,
    answer,
    accept,
    localPort,
    connectionState: () => pc?.connectionState,
    receiverStats: async () => inbound(await pc.getStats()),
    senderCpuLimited: async () => cpuLimited(await pc.getStats()),
    close: () => pc?.close(),
  };
})();
