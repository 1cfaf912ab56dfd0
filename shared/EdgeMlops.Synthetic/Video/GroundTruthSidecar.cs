namespace EdgeMlops.Synthetic.Video;

/// <summary>
/// The ground-truth sidecar format: a JSON Lines file next to a video, one line per frame,
/// <c>{"v":1,"frame":i,"tMs":t,"objects":[{"trackId":n,"label":"car","x":..,"y":..,"w":..,"h":..,"visible":0.93}]}</c>.
/// </summary>
public static class GroundTruthSidecar
{
    /// <summary>Format version written in every line's <c>v</c>.</summary>
    public const int Version = 1;

    /// <summary>The sidecar path of <paramref name="videoPath"/>: <c>out.mp4</c> -> <c>out.truth.jsonl</c>.</summary>
    public static string PathFor(string videoPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(videoPath);
        return Path.ChangeExtension(videoPath, ".truth.jsonl");
    }
}
