package io.servelink.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The meter against frames as Netty's own encoder writes them, masked (client to server) and not, cut anywhere. */
class WebSocketFrameMeterTest {

    private static final long UNLIMITED = Long.MAX_VALUE;

    @Test
    void countsOnlyPayloadBytesOfFramesOfEveryLengthEncodingMaskedOrNot() {
        for (boolean masked : new boolean[] {true, false}) {
            ByteBuf stream = encode(masked, binary(0), binary(125), binary(126), binary(65_535), binary(65_536), binary(100_000));

            assertThat(new WebSocketFrameMeter(UNLIMITED).payloadIn(stream)).as("masked: " + masked)
                    .isEqualTo(125 + 126 + 65_535 + 65_536 + 100_000);
        }
    }

    @Test
    void followsFramesWhateverChunksTheBytesArriveIn() {
        ByteBuf stream = encode(true, new TextWebSocketFrame("hello"), binary(70_000), new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})),
                binary(300));
        int total = 5 + 70_000 + 2 + 300;
        for (int chunkSize : new int[] {1, 2, 3, 7, 13, 1024, 65_536}) {
            WebSocketFrameMeter meter = new WebSocketFrameMeter(UNLIMITED);
            long counted = 0;
            for (ByteBuf chunk : chunks(stream, chunkSize)) {
                counted += meter.payloadIn(chunk);
                assertThat(chunk.readerIndex()).as("the chunk is left as it was").isZero();
            }
            assertThat(counted).as("chunks of " + chunkSize).isEqualTo(total);
            assertThat(meter.atFrameBoundary()).isTrue();
        }
    }

    @Test
    void aPayloadCountsAsItsBytesCrossNotWhenTheFrameEnds() {
        ByteBuf stream = encode(false, binary(10_000));
        WebSocketFrameMeter meter = new WebSocketFrameMeter(UNLIMITED);

        List<ByteBuf> chunks = chunks(stream, 4_000);

        assertThat(meter.payloadIn(chunks.get(0))).isEqualTo(4_000 - 4);
        assertThat(meter.atFrameBoundary()).isFalse();
        assertThat(meter.payloadIn(chunks.get(1))).isEqualTo(4_000);
        assertThat(meter.payloadIn(chunks.get(2))).isEqualTo(10_000 - (4_000 - 4) - 4_000);
        assertThat(meter.atFrameBoundary()).isTrue();
    }

    @Test
    void aFrameAboveTheMaximumIsFoundAtItsHeaderBeforeItsPayloadCrosses() {
        ByteBuf stream = encode(true, binary(100), binary(1_001));
        WebSocketFrameMeter meter = new WebSocketFrameMeter(1_000);

        long counted = meter.payloadIn(stream);

        assertThat(counted).as("the frame before it").isEqualTo(100);
        assertThat(meter.tooBig()).isTrue();
        assertThat(meter.tooBigAt()).as("where its header starts").isEqualTo(2 + 4 + 100);
        assertThat(meter.payloadIn(encode(true, binary(10)))).as("nothing after it").isZero();
    }

    @Test
    void aMessageOfContinuationFramesAboveTheMaximumIsTooBigThoughEachFrameIsWithinIt() {
        ByteBuf withinLimit = encode(true, fragment(600, false), continuation(400, true), binary(1_000));
        ByteBuf aboveLimit = encode(true, fragment(600, false), continuation(401, true));

        WebSocketFrameMeter first = new WebSocketFrameMeter(1_000);
        assertThat(first.payloadIn(withinLimit)).isEqualTo(2_000);
        assertThat(first.tooBig()).isFalse();

        WebSocketFrameMeter second = new WebSocketFrameMeter(1_000);
        assertThat(second.payloadIn(aboveLimit)).isEqualTo(600);
        assertThat(second.tooBig()).isTrue();
    }

    @Test
    void aHeaderBegunInAnEarlierChunkIsReportedBeforeTheChunk() {
        ByteBuf stream = encode(false, binary(2_000));
        WebSocketFrameMeter meter = new WebSocketFrameMeter(1_000);
        List<ByteBuf> chunks = chunks(stream, 1);

        assertThat(meter.payloadIn(chunks.get(0))).isZero();
        assertThat(meter.tooBig()).isFalse();
        meter.payloadIn(chunks.get(1));
        meter.payloadIn(chunks.get(2));
        meter.payloadIn(chunks.get(3));

        assertThat(meter.tooBig()).isTrue();
        assertThat(meter.tooBigAt()).isEqualTo(-3);
    }

    private static BinaryWebSocketFrame binary(int size) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[size]));
    }

    private static TextWebSocketFrame fragment(int size, boolean last) {
        return new TextWebSocketFrame(last, 0, Unpooled.wrappedBuffer(new byte[size]));
    }

    private static ContinuationWebSocketFrame continuation(int size, boolean last) {
        return new ContinuationWebSocketFrame(last, 0, Unpooled.wrappedBuffer(new byte[size]));
    }

    /** The frames as Netty's encoder puts them on the wire: masked as a client sends them, or not as a server does. */
    private static ByteBuf encode(boolean masked, WebSocketFrame... frames) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(masked));
        for (WebSocketFrame frame : frames) {
            channel.writeOutbound(frame);
        }
        ByteBuf stream = Unpooled.buffer();
        for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            stream.writeBytes(written);
            written.release();
        }
        channel.finishAndReleaseAll();
        return stream;
    }

    private static List<ByteBuf> chunks(ByteBuf stream, int size) {
        List<ByteBuf> chunks = new ArrayList<>();
        for (int from = 0; from < stream.writerIndex(); from += size) {
            chunks.add(Unpooled.wrappedBuffer(stream.copy(from, Math.min(size, stream.writerIndex() - from))));
        }
        return chunks;
    }
}
