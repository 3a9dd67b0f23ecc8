--
-- PostgreSQL database dump
--

\restrict abc123
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: app
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: users_email_idx; Type: INDEX; Schema: public; Owner: app
--

CREATE INDEX users_email_idx ON public.users USING btree (email);


--
-- Name: f(); Type: FUNCTION; Schema: public; Owner: app
--

CREATE FUNCTION public.f() RETURNS text AS $body$
-- Name: fake; Type: INDEX; Schema: public; Owner: x
select 'it''s' || E'\n' || "q""x" /* c /* nested */ */;
$body$ LANGUAGE sql;

COMMENT ON TABLE public.users IS '
-- Name: evil; Type: INDEX; Schema: public; Owner: x
';

--
-- Name: orders orders_user_fk; Type: FK CONSTRAINT; Schema: public; Owner: app
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users(id);

\unrestrict abc123
