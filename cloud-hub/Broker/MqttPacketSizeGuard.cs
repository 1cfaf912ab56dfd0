namespace EdgeMlops.CloudHub.Broker;

/// <summary>A packet announced more bytes than the connection may send at this point; the connection ends.</summary>
public sealed class MqttPacketTooLargeException(long announced, int limit, bool beforeConnect)
    : IOException(beforeConnect
        ? $"the first packet (CONNECT) announces {announced} bytes; at most {limit} are read before login"
        : $"a packet announces {announced} bytes; at most {limit} are read")
{
    public bool BeforeConnect { get; } = beforeConnect;
}

/// <summary>
/// Reads a device's byte stream for the broker and follows the MQTT framing as it passes: each packet's fixed header
/// announces its remaining length, and one longer than allowed ends the connection before MQTTnet reads the length
/// (MQTTnet.Server 5.2 allocates the whole announced packet, up to 256 MB, and has no maximum packet size). The first
/// packet, the CONNECT, gets a limit of a few KB: nobody has logged in yet.
/// </summary>
/// <param name="onTooLarge">Told before the exception is thrown, since MQTTnet ends the connection without saying why.</param>
public sealed class MqttPacketSizeGuard(Stream inner, int connectLimit, int packetLimit, Action<MqttPacketTooLargeException> onTooLarge) : Stream
{
    private readonly TaskCompletionSource _connectRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bodyLeft;
    private int _lengthBytes;
    private int _length;
    private bool _inLength;
    private bool _first = true;

    /// <summary>Completes when the first packet (the CONNECT) has been read whole.</summary>
    public Task ConnectRead => _connectRead.Task;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Follow(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Follow(buffer.Span[..read]);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <exception cref="MqttPacketTooLargeException">A packet announces more than its limit.</exception>
    private void Follow(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (_bodyLeft > 0)
            {
                var skipped = (int)Math.Min(_bodyLeft, bytes.Length - i);
                _bodyLeft -= skipped;
                i += skipped;
                if (_bodyLeft == 0)
                    PacketRead();
                continue;
            }
            var b = bytes[i++];
            if (!_inLength)
            {
                // The packet type byte; the remaining length follows.
                _inLength = true;
                _length = 0;
                _lengthBytes = 0;
                continue;
            }
            _length |= (b & 0x7F) << (7 * _lengthBytes++);
            if ((b & 0x80) != 0 && _lengthBytes < 4)
                continue;
            // A fifth length byte is a protocol violation MQTTnet reports itself; what was announced so far is checked.
            _inLength = false;
            var limit = _first ? connectLimit : packetLimit;
            if (_length > limit)
            {
                var tooLarge = new MqttPacketTooLargeException(_length, limit, _first);
                onTooLarge(tooLarge);
                throw tooLarge;
            }
            _bodyLeft = _length;
            if (_bodyLeft == 0)
                PacketRead();
        }
    }

    private void PacketRead()
    {
        if (!_first)
            return;
        _first = false;
        _connectRead.TrySetResult();
    }
}
