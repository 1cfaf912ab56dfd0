using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>
/// The binary sample frame: a length prefix that may lie, a header that may be anything, an image that may be missing.
/// <see cref="SampleFrame.TryRead"/> returns a valid header and a JPEG inside the payload, or a rejection.
/// </summary>
public sealed class SampleFrameFuzzTests
{
    private static readonly Gen<byte[]> Jpeg = Gen.Byte.Array[0, 64].Select(body => (byte[])[0xFF, 0xD8, 0xFF, .. body]);

    private static readonly Gen<byte[]> Frames =
        from header in ValidMessages.SampleHeader
        from jpeg in Jpeg
        select SampleFrame.Write(header, jpeg);

    private static readonly Gen<byte[]> Inputs = Gen.Frequency(
        (2, Frames),
        (3, Frames.SelectMany(FuzzJson.Damaged)),
        (2, Gen.Select(Frames, Gen.Int, (frame, length) => WithPrefix(frame, length))),
        (2, Gen.Select(ValidMessages.SampleHeader.Select(h => JsonSerializer.Serialize(h, ContractsJsonContext.Default.SampleHeader)).SelectMany(FuzzJson.Spoiled), Jpeg,
            (header, jpeg) => Frame(Encoding.UTF8.GetBytes(header), jpeg))),
        (1, Gen.Select(FuzzJson.VersionedObject, Jpeg, (header, jpeg) => Frame(Encoding.UTF8.GetBytes(header), jpeg))),
        (1, Gen.Byte.Array[0, 64]));

    [Fact]
    public void Sample_frame_reader_holds_for_any_payload() =>
        ReaderContract.Sample(Inputs, payload =>
        {
            var outcome = ReaderContract.Measure(payload.Length, () =>
                (SampleFrame.TryRead(payload, out var header, out var jpeg, out var rejection), header, jpeg, rejection));
            ReaderContract.Check(outcome.Item1, outcome.header, outcome.rejection, ContractValidator.FindProblem);
            if (!outcome.Item1)
                return;
            var jpegBytes = outcome.jpeg.Span;
            if (jpegBytes.Length < 4 || jpegBytes[0] != 0xFF || jpegBytes[1] != 0xD8 || jpegBytes[2] != 0xFF)
                throw new InvalidOperationException("accepted an image without the JPEG signature");
            if (!payload.AsSpan().EndsWith(jpegBytes))
                throw new InvalidOperationException("the image is not the end of the payload");
        }, ReaderContract.Show);

    [Fact]
    public void Every_length_prefix_that_does_not_fit_is_malformed()
    {
        var frame = SampleFrame.Write(new SampleHeader("box-07", 1, 1, DateTimeOffset.UnixEpoch, SampleMessages.Sample()), [0xFF, 0xD8, 0xFF, 0xE0]);
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(frame);

        Gen.Int.Where(length => length != headerLength).Sample(length =>
        {
            var accepted = SampleFrame.TryRead(WithPrefix(frame, length), out _, out _, out var rejection);
            return !accepted && rejection!.Kind is RejectionKind.Malformed or RejectionKind.Invalid;
        }, iter: ReaderContract.Iterations);
    }

    private static byte[] WithPrefix(byte[] frame, int length)
    {
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt32BigEndian(copy, length);
        return copy;
    }

    private static byte[] Frame(byte[] header, byte[] jpeg)
    {
        var frame = new byte[4 + header.Length + jpeg.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, header.Length);
        header.CopyTo(frame, 4);
        jpeg.CopyTo(frame, 4 + header.Length);
        return frame;
    }
}
