namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>What decodes network streams (rtsp://, http(s)://). Files and devices are always read by OpenCV.</summary>
public enum StreamDecoder
{
    /// <summary>
    /// The <c>ffmpeg</c> program when it is on the PATH, otherwise OpenCV. The OpenCvSharp runtime package for
    /// linux-x64 carries an FFmpeg built without network protocols, so it cannot open streams; device images with
    /// their own OpenCV build (e.g. JetPack's) can.
    /// </summary>
    Auto,

    /// <summary>OpenCV's <c>VideoCapture</c> with its FFmpeg backend.</summary>
    OpenCv,

    /// <summary>An <c>ffmpeg</c> child process per stream, decoding to raw frames on a pipe.</summary>
    FfmpegProcess,
}
