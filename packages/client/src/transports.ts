/** Creates the send and receive transports and answers their mediasoup-client events with requests. */
import type { IceServer, RequestData, TransportInfo } from '@consomme/protocol';
import type { types } from 'mediasoup-client';
import type { Signaling } from './signaling.js';

export async function createTransport(
  device: types.Device,
  signaling: Signaling,
  direction: 'send' | 'recv',
  iceServers: IceServer[],
): Promise<types.Transport> {
  const info: TransportInfo = await signaling.request('createTransport', {
    direction,
    sctpCapabilities: device.sctpCapabilities as RequestData<'createTransport'>['sctpCapabilities'] & object,
  });
  const options: types.TransportOptions = {
    id: info.id,
    iceParameters: info.iceParameters as types.IceParameters,
    iceCandidates: info.iceCandidates as types.IceCandidate[],
    dtlsParameters: info.dtlsParameters as types.DtlsParameters,
    iceServers: iceServers.map(toRtcIceServer),
  };
  if (info.sctpParameters) options.sctpParameters = info.sctpParameters as types.SctpParameters;
  const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);

  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling.request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as RequestData<'connectTransport'>['dtlsParameters'] })
      .then(() => callback(), errback);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    const source = appData.source as RequestData<'produce'>['source'];
    signaling.request('produce', {
      transportId: transport.id,
      kind,
      rtpParameters: rtpParameters as RequestData<'produce'>['rtpParameters'],
      source,
      paused: appData.paused === true,
    }).then(({ id }) => callback({ id }), errback);
  });
  transport.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
    signaling.request('produceData', {
      transportId: transport.id,
      sctpStreamParameters: sctpStreamParameters as RequestData<'produceData'>['sctpStreamParameters'],
      label: label ?? '',
      protocol: protocol ?? '',
    }).then(({ id }) => callback({ id }), errback);
  });
  return transport;
}

/** The ICE restart of one transport: new ICE credentials from the server, given to the browser. */
export async function restartIce(signaling: Signaling, transport: types.Transport): Promise<void> {
  const { iceParameters } = await signaling.request('restartIce', { transportId: transport.id });
  if (transport.closed) return;
  await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
}

function toRtcIceServer(server: IceServer): RTCIceServer {
  const out: RTCIceServer = { urls: server.urls };
  if (server.username !== undefined) out.username = server.username;
  if (server.credential !== undefined) out.credential = server.credential;
  return out;
}
