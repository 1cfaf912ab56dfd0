namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>OpenCV's background subtractors.</summary>
public enum BackgroundModel
{
    /// <summary>Gaussian mixture per pixel; the usual choice for road scenes.</summary>
    Mog2,

    /// <summary>K nearest neighbours per pixel; copes better with waving trees and rain, at more CPU.</summary>
    Knn,
}
