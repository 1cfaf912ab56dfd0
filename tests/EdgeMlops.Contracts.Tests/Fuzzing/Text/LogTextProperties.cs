using System.Text;
using CsCheck;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.Contracts.Tests.Fuzzing.Text;

/// <summary>Any string through <see cref="LogText.Escape"/>: one safe line, bounded, and nothing lost or made ambiguous.</summary>
public sealed class LogTextProperties
{
    [Fact]
    public void The_output_is_always_one_safe_line_of_bounded_length() =>
        Gen.Select(FuzzText.Any, Gen.Int[1, 300]).Sample(t =>
        {
            var (value, cap) = t;
            var escaped = LogText.Escape(value, cap);

            Assert.Null(ReaderContract.FindUnsafe(escaped));
            // Six characters per escaped input character at most, plus the ellipsis and the length.
            Assert.True(escaped.Length <= cap * 6 + 24, $"{escaped.Length} characters for a cap of {cap}");
        }, iter: ReaderContract.Iterations * 2);

    [Fact]
    public void Escaping_is_reversible_so_two_different_values_never_log_alike() =>
        FuzzText.Awkward(0, 200).Sample(value =>
        {
            var escaped = LogText.Escape(value, 1000);

            Assert.Equal(value, Unescape(escaped));
        }, iter: ReaderContract.Iterations * 2, print: value => LogText.Escape(value));

    private static string Unescape(string escaped)
    {
        var text = new StringBuilder();
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                text.Append(escaped[i]);
                continue;
            }
            var next = escaped[++i];
            switch (next)
            {
                case '\\': text.Append('\\'); break;
                case 'r': text.Append('\r'); break;
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'u':
                    text.Append((char)Convert.ToInt32(escaped.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: throw new FormatException($"'\\{next}' is not an escape LogText writes");
            }
        }
        return text.ToString();
    }
}
