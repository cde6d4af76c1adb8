-- public.search_text calls extensions.unaccent, and the lead search index (leads_search_idx) runs it for every role
-- that writes a lead: the functions' role (lead form, pipeline) too. That role has no usage on schema extensions,
-- and the migration role cannot give it one (the schema belongs to supabase_admin on Supabase; 20261207120000's
-- grant only warned "no privileges were granted"), so every lead insert by the functions failed. search_text now
-- runs as its owner; its search_path stays empty, so nothing but the named unaccent dictionary is resolved.
alter function public.search_text(text) security definer;
