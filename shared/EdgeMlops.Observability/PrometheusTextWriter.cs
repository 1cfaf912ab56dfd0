using System.Globalization;
using System.Text;

namespace EdgeMlops.Observability;

/// <summary>
/// Writes metrics in the Prometheus text exposition format (version 0.0.4): one <c># HELP</c> and <c># TYPE</c> per
/// family, then its samples. Families must be written whole, one after the other.
/// </summary>
public sealed class PrometheusTextWriter
{
    /// <summary>The content type a scrape endpoint answers with.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);

    /// <summary>Starts a counter family (a value that only goes up while the process runs).</summary>
    public PrometheusTextWriter Counter(string name, string help) => Family(name, help, "counter");

    /// <summary>Starts a gauge family.</summary>
    public PrometheusTextWriter Gauge(string name, string help) => Family(name, help, "gauge");

    /// <summary>A sample of the family started last: <paramref name="labels"/> as name/value pairs.</summary>
    public PrometheusTextWriter Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                    _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"");
                AppendEscaped(labels[i].Value);
                _text.Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    private PrometheusTextWriter Family(string name, string help, string type)
    {
        if (!_families.Add(name))
            throw new InvalidOperationException($"metric family '{name}' was already written");
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    private void AppendEscaped(string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '"' => _text.Append("\\\""),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
