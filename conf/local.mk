# conf/: factory profiles and configuration shipped with phonesec.
dist_phonesecconf_DATA += conf/factory-default.conf conf/factory-secure.conf
