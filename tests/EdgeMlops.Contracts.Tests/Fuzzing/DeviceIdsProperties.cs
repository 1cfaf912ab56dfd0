using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>Device ids from any string: the rule never throws, accepts exactly its alphabet, and says why in one line.</summary>
public sealed class DeviceIdsProperties
{
    private static readonly Gen<string> Candidates = Gen.Frequency(
        (3, FuzzText.Any),
        (3, Gen.String["abcXYZ0189-_./:+# \u200b\u202e"]),
        (2, ValidMessages.DeviceId));

    [Fact]
    public void A_device_id_is_accepted_exactly_when_it_follows_the_documented_rule() =>
        Candidates.Sample(id =>
        {
            var expected = id.Length is >= 1 and <= DeviceIds.MaxLength
                && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                && id[0] != '.' && id[^1] != '.' && !id.Contains("..", StringComparison.Ordinal);
            var problem = DeviceIds.FindProblem(id);

            Assert.Equal(expected, problem is null);
            if (problem is not null)
                Assert.Null(ReaderContract.FindUnsafe(problem));
        }, iter: ReaderContract.Iterations * 2, print: id => Contracts.Text.LogText.Escape(id));

    [Fact]
    public void Every_valid_id_builds_topics_that_parse_back() =>
        ValidMessages.DeviceId.Sample(id =>
        {
            foreach (var channel in Enum.GetValues<DeviceChannel>())
            {
                Assert.True(Topics.TryParse(Topics.ForDevice(id, channel), out var parsed));
                Assert.Equal(new DeviceTopic(id, channel), parsed);
            }
        }, iter: ReaderContract.Iterations);
}
