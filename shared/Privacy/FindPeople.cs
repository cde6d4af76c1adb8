using Dapper;
using Leitstand.Auth;
using Leitstand.Leads;

namespace Leitstand.Privacy;

/// <summary>
/// Who is this person? A request for information or erasure names an e-mail address or a handle; this finds the
/// leads stored with it. The e-mail as the form stores it (trimmed, lower case), the handle as a prospect's is stored
/// (trimmed, without a leading "@", lower case; a profile URL of the channel gives its name), on one channel or any.
/// Runs under the member's claims (RLS); by the unique indexes on leads (email) and (handle_channel, handle).
/// </summary>
public sealed class FindPeople(TeamDatabase db)
{
    private const string Sql = """
        select l.id, l.name, l.email, l.handle, l.handle_channel as handlechannel, l.stage::text as stage,
               public.lead_stage_label(l.stage) as stagelabel, l.created_at as createdat
        from public.leads l
        where (@Email::text is not null and l.email = @Email)
           or (@Handle::text is not null and l.handle = @Handle and l.handle_channel = any(@Channels))
        order by l.created_at, l.id
        """;

    /// <summary>The request body (snake_case): an e-mail, or a handle with or without its channel.</summary>
    public sealed record Request(string? Email, string? Handle, string? Channel);

    /// <summary>The query, or the German errors per field (none given: both fields; an unknown channel; a handle that cannot be one).</summary>
    public static (PeopleQuery? Query, IReadOnlyDictionary<string, string[]> Errors) Validate(string? email, string? handle, string? channel)
    {
        var errors = new Dictionary<string, string[]>();
        var normalisedEmail = LeadValidator.NormaliseEmail(email);
        var rawHandle = LeadValidator.NormaliseText(handle);
        var normalisedChannel = LeadValidator.NormaliseText(channel)?.ToLowerInvariant();
        if (normalisedEmail is null && rawHandle is null)
        {
            const string message = "Bitte eine E-Mail-Adresse (email) oder einen Handle (handle, optional mit channel) angeben.";
            errors["email"] = [message];
            errors["handle"] = [message];
            return (null, errors);
        }
        if (normalisedChannel is not null && !ProspectValidator.Channels.Contains(normalisedChannel))
            errors["channel"] = ["Unbekannter Kanal. Erlaubt: instagram, x, linkedin, other."];
        string? normalisedHandle = null;
        if (rawHandle is not null && errors.Count == 0)
        {
            if (normalisedChannel is not null)
            {
                var (value, error) = ProspectValidator.NormaliseHandle(rawHandle, normalisedChannel);
                if (error is not null) errors["handle"] = [error];
                normalisedHandle = value;
            }
            else
            {
                normalisedHandle = (rawHandle.StartsWith('@') ? rawHandle[1..] : rawHandle).Trim().ToLowerInvariant();
                if (normalisedHandle.Length == 0) errors["handle"] = ["Bitte den Handle angeben (ohne „@“ oder mit)."];
            }
        }
        if (errors.Count > 0) return (null, errors);
        string[] channels = normalisedChannel is null ? [.. ProspectValidator.Channels] : [normalisedChannel];
        return (new PeopleQuery(normalisedEmail, normalisedHandle, channels), errors);
    }

    public async Task<IReadOnlyList<PersonMatch>> ExecuteAsync(TeamUser user, PeopleQuery query, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var rows = (await team.Connection.QueryAsync<PersonMatch>(new CommandDefinition(Sql,
            new { query.Email, query.Handle, query.Channels }, team.Transaction, cancellationToken: ct))).AsList();
        await team.CommitAsync(ct);
        return rows;
    }
}

/// <summary>A normalised lookup: the e-mail and/or the handle on <see cref="Channels"/>.</summary>
public sealed record PeopleQuery(string? Email, string? Handle, string[] Channels);

/// <summary>A lead stored with the e-mail or handle asked for.</summary>
public sealed record PersonMatch(Guid Id, string Name, string? Email, string? Handle, string? HandleChannel, string Stage, string StageLabel, DateTime CreatedAt);
