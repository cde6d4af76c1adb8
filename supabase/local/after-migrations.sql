-- Local/test only: the functions' role may log in (trust auth on 127.0.0.1 in the throwaway cluster).
alter role leitstand_functions login;
