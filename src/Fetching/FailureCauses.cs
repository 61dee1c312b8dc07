using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Fetching;

/// <summary>A fetcher's final failure as the plain cause the API and the dashboard show.</summary>
public static class FailureCauses
{
    public static FailureCause Of(Exception exception, DateTimeOffset now)
    {
        if (exception is not GraphApiException graph)
        {
            return new FailureCause(SyncErrorKind.Internal, exception.Message);
        }

        var error = graph.Error;
        var kind = error.Kind switch
        {
            GraphErrorKind.Permission => SyncErrorKind.NoPermission,
            GraphErrorKind.Auth => SyncErrorKind.TokenInvalid,
            GraphErrorKind.Throttled => SyncErrorKind.Throttled,
            GraphErrorKind.NotFound => SyncErrorKind.NotFound,
            GraphErrorKind.Transient => SyncErrorKind.MetaUnavailable,
            GraphErrorKind.PayloadTooLarge => SyncErrorKind.TooMuchData,
            _ => SyncErrorKind.MetaRefused,
        };
        var liftsAt = kind == SyncErrorKind.Throttled && error.RegainAccessIn is { } wait ? now + wait : (DateTimeOffset?)null;
        return new FailureCause(kind, error.Message, graph.Call, liftsAt);
    }
}
